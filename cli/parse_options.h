// Turns argv into Options with CLI11. Help and usage errors are not Options:
// they come back as an exit code plus the text CLI11 produced.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "cli/options.h"

namespace reconcile::cli {

struct EarlyExit {
  int exit_code;  // 0 for --help, 1 for usage errors (2 is kept for "changes pending")
  std::string stdout_text;
  std::string stderr_text;
};

std::variant<Options, EarlyExit> ParseOptions(int argc, const char* const* argv);

}  // namespace reconcile::cli
