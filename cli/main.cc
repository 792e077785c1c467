// The `reconcile` executable: parse options, dispatch to one command.
#include <exception>
#include <iostream>
#include <type_traits>
#include <variant>

#include "cli/parse_options.h"
#include "cli/validate_command.h"

namespace {

int Dispatch(const reconcile::cli::Options& options) {
  return std::visit(
      [](const auto& command) -> int {
        using T = std::decay_t<decltype(command)>;
        if constexpr (std::is_same_v<T, reconcile::cli::ValidateOptions>) {
          return reconcile::cli::RunValidate(command, std::cout, std::cerr);
        }
      },
      options.command);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    auto parsed = reconcile::cli::ParseOptions(argc, argv);
    if (auto* early = std::get_if<reconcile::cli::EarlyExit>(&parsed)) {
      std::cout << early->stdout_text;
      std::cerr << early->stderr_text;
      return early->exit_code;
    }
    return Dispatch(std::get<reconcile::cli::Options>(parsed));
  } catch (const std::exception& e) {
    // Last line of defence: an error message and exit 1, never a signal.
    std::cerr << "reconcile: internal error: " << e.what() << "\n";
    return 1;
  }
}
