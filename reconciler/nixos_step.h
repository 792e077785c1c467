// What applying a NixOS step does on a node, as values (no I/O): the files it
// places and the commands it runs, in order. ClusterActions::Configure carries
// them out through the NodeShell like any other step's files and commands.
//
//  1. /etc/nixos/reconcile/<role>.nix      the role's rendered module (0644)
//  2. /etc/nixos/reconcile/default.nix     imports every *.nix beside it
//  3. /etc/nixos/configuration.nix         gains `./reconcile` in its
//     `imports = [` list, once: a no-op when an import of ./reconcile is
//     already there, never a rewrite of the operator's file (a copy of the
//     original is kept as configuration.nix.before-reconcile)
//  4. nixos-rebuild switch|test
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/spec.h"

namespace reconcile {

inline constexpr char kNixosConfigDir[] = "/etc/nixos";
inline constexpr char kNixosModulesDir[] = "/etc/nixos/reconcile";

std::string NixosModulePath(std::string_view role);

// The managed default.nix. It contains no template references, so rendering
// it (as every file is) leaves it as it is.
std::string NixosImportsModule();

// The files step 1 and 2 place; the module's content is the unrendered
// template, rendered per node with the step's other files.
std::vector<model::FileSpec> NixosStepFiles(std::string_view role, const model::NixosSpec& nixos);

// Step 3 as one POSIX shell command (busybox or GNU tools). Exits non-zero with
// a message on stderr when the file is missing or has no `imports = [`.
std::string EnsureImportCommand(std::string_view configuration = "/etc/nixos/configuration.nix");

// Step 4.
std::string RebuildCommand(model::NixosSpec::Rebuild rebuild);

}  // namespace reconcile
