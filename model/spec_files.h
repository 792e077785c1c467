// Files a spec names besides itself (NixOS modules), read once at load time so
// that a Spec is a complete value: later passes never touch the disk for it.
#pragma once

#include <functional>
#include <string>

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

}  // namespace reconcile::model
