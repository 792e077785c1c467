#include "reconciler/watch.h"

#include "base/text.h"
#include "fmt/format.h"

namespace reconcile {

std::string PassSummary::Line() const {
  auto seconds = [](absl::Duration d) { return absl::ToDoubleSeconds(d); };
  if (!error.empty()) {
    return fmt::format("pass {}: failed after {:.1f}s: {}; next in {:.0f}s", pass,
                       seconds(elapsed), error, seconds(next_wait));
  }
  std::string what = actions == 0 ? (converged ? "converged, no changes" : "no actions")
                                  : fmt::format("{} ({} ok, {} failed)",
                                                Counted(actions, "action", "actions"), succeeded,
                                                failed);
  if (problems > 0) what += ", " + Counted(problems, "problem", "problems");
  if (deferred > 0) what += fmt::format(", {} deferred", deferred);
  return fmt::format("pass {}: {} in {:.1f}s; next in {:.0f}s", pass, what, seconds(elapsed),
                     seconds(next_wait));
}

absl::Status Watch(Reconciler& reconciler, WatchEvents& events, Clock& clock,
                   const std::function<absl::StatusOr<Desired>()>& reload,
                   const WatchOptions& options, const std::function<void(const std::string&)>& log,
                   const std::function<void(const PassResult&)>& on_pass) {
  int consecutive_errors = 0;
  int consecutive_changes = 0;
  for (int pass = 1; options.max_passes == 0 || pass <= options.max_passes; ++pass) {
    const absl::Time start = clock.Now();
    absl::StatusOr<PassResult> result = reconciler.ApplyPass();
    PassSummary summary{.pass = pass, .elapsed = clock.Now() - start};
    bool failed = !result.ok();
    if (result.ok()) {
      if (on_pass) on_pass(*result);
      const ExecutionReport& report = result->execution;
      summary.actions = static_cast<int>(result->plan.actions.size());
      summary.succeeded = report.Count(Outcome::kSucceeded);
      summary.failed = report.Count(Outcome::kFailed) + report.Count(Outcome::kSkipped);
      summary.problems = static_cast<int>(result->plan.problems.size());
      summary.deferred = static_cast<int>(result->plan.deferred.size());
      summary.converged = result->plan.converged();
      failed = summary.failed > 0;
    } else {
      summary.error = std::string(result.status().message());
    }
    if (failed) {
      consecutive_changes = 0;
      summary.next_wait = BackoffDelay(options.error_backoff, ++consecutive_errors, 0.5);
    } else if (summary.actions > 0) {
      // Something changed: look again at once to confirm it; but a cluster
      // that changes on every pass (a check that never passes) must not spin.
      consecutive_errors = 0;
      ++consecutive_changes;
      summary.next_wait = consecutive_changes <= 2
                              ? absl::ZeroDuration()
                              : BackoffDelay(options.error_backoff, consecutive_changes - 2, 0.5);
    } else {
      // Converged, or only problems for the operator remain: drift check later.
      consecutive_errors = consecutive_changes = 0;
      summary.next_wait =
          options.interval_from_spec ? reconciler.spec().policy.interval : options.interval;
    }
    log(summary.Line());
    if (result.ok()) {
      // Said, not only counted: an operator tailing the log must see why a
      // node is not created or a rollout does not go on.
      for (const model::PlanProblem& problem : result->plan.problems) {
        log(fmt::format("  problem: {}{}", problem.node.empty() ? "" : problem.node + ": ",
                        problem.message));
      }
      for (const model::PlanProblem& held : result->plan.deferred) {
        log(fmt::format("  deferred: {}: {}", held.node, held.message));
      }
    }
    if (options.on_pass_done) options.on_pass_done(summary, result.ok() ? &*result : nullptr);
    if (options.max_passes != 0 && pass == options.max_passes) break;

    switch (events.WaitUntil(clock.Now() + summary.next_wait)) {
      case WatchEvents::Event::kStop:
        return absl::OkStatus();
      case WatchEvents::Event::kTimeout:
        break;
      case WatchEvents::Event::kSpecChanged: {
        absl::StatusOr<Desired> desired = reload();
        if (!desired.ok()) {
          log(fmt::format("spec change ignored, keeping the last good spec: {}",
                          std::string(desired.status().message())));
          break;
        }
        reconciler.SetDesired(std::move(desired->spec), std::move(desired->nodes));
        log("spec changed: re-planning");
        consecutive_errors = 0;
        break;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace reconcile
