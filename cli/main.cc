// The `reconcile` executable: parse options, dispatch to one command.
#include <exception>
#include <iostream>
#include <type_traits>
#include <variant>

#include "cli/apply_command.h"
#include "cli/destroy_command.h"
#include "cli/graph_command.h"
#include "cli/node_commands.h"
#include "cli/parse_options.h"
#include "cli/plan_command.h"
#include "cli/status_command.h"
#include "cli/validate_command.h"
#include "cli/watch_command.h"

namespace {

using namespace reconcile::cli;

int Dispatch(const Options& options) {
  return std::visit(
      [](const auto& command) -> int {
        using T = std::decay_t<decltype(command)>;
        if constexpr (std::is_same_v<T, ValidateOptions>) {
          return RunValidate(command, std::cout, std::cerr);
        } else if constexpr (std::is_same_v<T, PlanOptions>) {
          return RunPlan(command, std::cout, std::cerr);
        } else if constexpr (std::is_same_v<T, ApplyOptions>) {
          return RunApply(command, std::cout, std::cerr);
        } else if constexpr (std::is_same_v<T, WatchCommandOptions>) {
          return RunWatch(command, std::cerr);
        } else if constexpr (std::is_same_v<T, GraphOptions>) {
          return RunGraph(command, std::cout, std::cerr);
        } else if constexpr (std::is_same_v<T, DestroyOptions>) {
          return RunDestroy(command, std::cout, std::cerr);
        } else if constexpr (std::is_same_v<T, KnownHostsOptions>) {
          return RunKnownHosts(command, std::cout, std::cerr);
        } else if constexpr (std::is_same_v<T, SshOptions>) {
          return RunSsh(command, std::cerr);
        } else if constexpr (std::is_same_v<T, ConsoleOptions>) {
          return RunConsole(command, std::cerr);
        } else {
          static_assert(std::is_same_v<T, StatusOptions>);
          return RunStatus(command, std::cout, std::cerr);
        }
      },
      options.command);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    auto parsed = ParseOptions(argc, argv);
    if (auto* early = std::get_if<EarlyExit>(&parsed)) {
      std::cout << early->stdout_text;
      std::cerr << early->stderr_text;
      return early->exit_code;
    }
    return Dispatch(std::get<Options>(parsed));
  } catch (const std::exception& e) {
    // Last line of defence: an error message and exit 1, never a signal.
    std::cerr << "reconcile: internal error: " << e.what() << "\n";
    return 1;
  }
}
