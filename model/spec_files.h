// Files a spec names besides itself (NixOS modules), read once at load time so
// that a Spec is a complete value: later passes never touch the disk for it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/diagnostics.h"
#include "model/spec.h"
#include "model/spec_sources.h"

namespace reconcile::model {

// Reads a file a spec refers to, by the path as written in the spec.
using SpecFileReader = std::function<absl::StatusOr<std::string>(const std::string& path)>;

// Reads from the filesystem, relative paths from the directory of
// `spec_path`. Only regular files of at most 1 MiB.
SpecFileReader FilesBesideSpec(const std::string& spec_path);

// Fills every nixos step's `module` with its file's content and adds that
// content to the role's templates (located in the module file itself). A file
// that cannot be read is a diagnostic at the `module` key.
void ReadNixosModules(Spec& spec, SpecSources& sources, const SpecFileReader& read,
                      Diagnostics& diagnostics);

// Every file the spec refers to besides itself (NixOS modules, secret files),
// as paths this process can open: relative ones joined to the spec's directory.
std::vector<std::string> FilesOfSpec(const Spec& spec);

// Fills every `secret: {file: ...}` / `{env: ...}` variable's value: the file
// (through `read`, one trailing newline dropped) or the environment variable.
// One that cannot be read, or is unset or empty, is a diagnostic at the
// `secret` key that never quotes a value.
void ReadSecretSources(Spec& spec, const SpecSources& sources, const SpecFileReader& read,
                       Diagnostics& diagnostics);

}  // namespace reconcile::model
