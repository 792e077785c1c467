#include "cli/progress.h"

#include "base/text.h"
#include "cli/render/terminal_text.h"
#include "fmt/format.h"
#include "reconciler/reconciler.h"

namespace reconcile::cli {

std::string ProgressLine(const model::Action& action, const ActionResult& result,
                         absl::Duration since_start) {
  std::string_view outcome = result.outcome == Outcome::kSucceeded ? "ok"
                             : result.outcome == Outcome::kFailed  ? "FAILED"
                                                                   : "skipped";
  std::string target = !action.network.empty() ? "network " + action.network
                       : action.role.empty()    ? action.node
                                                : fmt::format("{} [{}]", action.node, action.role);
  std::string line = fmt::format("[{:6.1f}s] {:<7} {:<3} {:<28} {}",
                                 absl::ToDoubleSeconds(since_start), outcome,
                                 model::ActionKindSymbol(action.kind), render::TerminalSafe(target),
                                 model::ActionKindName(action.kind));
  if (!result.status.ok()) line += ": " + render::TerminalSafe(std::string(result.status.message()));
  if (result.attempts > 1) line += fmt::format(" ({} attempts)", result.attempts);
  return line;
}

std::string ReportLine(std::string_view verb, const ApplyOutcome& outcome, absl::Duration elapsed) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  const std::string passes = Counted(outcome.passes, "pass", "passes");
  if (outcome.converged) {
    return fmt::format("{} complete: converged after {} in {:.1f}s.", verb, passes, seconds);
  }
  // One line: a driver's message may hold newlines (libvirt's XML errors do).
  std::string line = fmt::format("{} stopped after {} in {:.1f}s: {}.", verb, passes, seconds,
                                 render::TerminalSafe(outcome.stopped_because));
  if (!outcome.error.ok()) {
    line += " Last error: " + render::TerminalSafe(std::string(outcome.error.message()));
  }
  return line;
}

}  // namespace reconcile::cli
