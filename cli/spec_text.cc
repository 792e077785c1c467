#include "cli/spec_text.h"

#include <fstream>
#include <sstream>

#include "fmt/format.h"

namespace reconcile::cli {

absl::StatusOr<std::string> ReadSpecText(const std::string& path) {
  constexpr std::streamoff kLimit = 16 << 20;
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("{}: cannot read the file", path));
  in.seekg(0, std::ios::end);
  if (in.tellg() > kLimit) return absl::InvalidArgumentError(fmt::format("{}: larger than 16 MiB", path));
  in.seekg(0);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace reconcile::cli
