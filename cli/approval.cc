#include "cli/approval.h"

#include <unistd.h>

#include "fmt/format.h"

namespace reconcile::cli {

std::vector<std::string> DestructiveChanges(const model::Plan& plan) {
  std::vector<std::string> changes;
  for (const model::Action& action : plan.actions) {
    if (action.kind == model::ActionKind::kDelete || action.kind == model::ActionKind::kReplace ||
        action.kind == model::ActionKind::kDeleteNetwork) {
      changes.push_back(fmt::format("{} {}", model::ActionKindName(action.kind),
                                    action.network.empty() ? action.node : action.network));
    }
  }
  return changes;
}

bool Interactive() { return ::isatty(STDIN_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1; }

absl::Status Approval::Approve(const model::Plan& plan) {
  std::vector<std::string> fresh;
  for (std::string& change : DestructiveChanges(plan)) {
    if (!approved_.count(change)) fresh.push_back(std::move(change));
  }
  if (fresh.empty() || !ask_) {
    approved_.insert(fresh.begin(), fresh.end());
    return absl::OkStatus();
  }
  out_ << fmt::format("\nThis will {}: the machines' disks are deleted with them.\n",
                      fmt::join(fresh, ", "))
       << "Only 'yes' goes on (--yes skips this question). Go on? " << std::flush;
  std::string answer;
  if (!std::getline(in_, answer)) out_ << "\n";
  if (answer != "yes") {
    return absl::CancelledError(
        fmt::format("the operator did not approve: {}", fmt::join(fresh, ", ")));
  }
  approved_.insert(fresh.begin(), fresh.end());
  return absl::OkStatus();
}

}  // namespace reconcile::cli
