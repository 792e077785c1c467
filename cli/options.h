// Command-line options, parsed once into typed values (cli/parse_options.h)
// and handed to the command that runs.
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace reconcile::cli {

struct ValidateOptions {
  std::vector<std::string> specs;
};

// One alternative per subcommand; later commands (plan, apply, ...) add theirs.
using Command = std::variant<ValidateOptions>;

struct Options {
  Command command;
};

}  // namespace reconcile::cli
