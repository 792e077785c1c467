// Loading a cluster spec: text -> validated Spec, with every problem reported.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "model/diagnostics.h"
#include "model/spec.h"
#include "model/spec_files.h"

namespace reconcile::model {

// Parses and validates `text` as if read from `file_name`. Every problem
// found is added to `diagnostics`; the Spec is returned only when there are
// none (otherwise kInvalidArgument carrying all diagnostics, one per line).
// Files the spec names (NixOS modules) come from `read_file`: pure when that
// is; the three-argument form reads them beside `file_name` on disk.
absl::StatusOr<Spec> ParseSpec(std::string_view text, std::string_view file_name,
                               Diagnostics& diagnostics, const SpecFileReader& read_file);
absl::StatusOr<Spec> ParseSpec(std::string_view text, std::string_view file_name,
                               Diagnostics& diagnostics);

// Reads `path` and calls ParseSpec. A file that cannot be read is a single
// diagnostic at path:1:1.
absl::StatusOr<Spec> LoadSpec(const std::string& path, Diagnostics& diagnostics);

}  // namespace reconcile::model
