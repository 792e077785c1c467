// The bytes of a file named on the command line (a spec, or a saved plan),
// read once, with a message that names it.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace reconcile::cli {

// At most 16 MiB: a spec or a saved plan, never an image.
absl::StatusOr<std::string> ReadSpecText(const std::string& path);

}  // namespace reconcile::cli
