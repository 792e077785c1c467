#include "cli/converge.h"

#include <unistd.h>

#include <atomic>

#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/text.h"
#include "cli/approval.h"
#include "cli/progress.h"
#include "cli/progress_ticker.h"
#include "cli/render/plan_text.h"
#include "cli/render/terminal_text.h"
#include "cli/stop_signal.h"
#include "fmt/format.h"
#include "reconciler/lock/cluster_lock.h"

namespace reconcile::cli {
namespace {

// What the actions of every pass came to, for the report of an interrupted run.
class Tally {
 public:
  void Add(Outcome outcome) {
    absl::MutexLock lock(&mu_);
    ++counts_[static_cast<int>(outcome)];
  }
  int Of(Outcome outcome) const {
    absl::MutexLock lock(&mu_);
    return counts_[static_cast<int>(outcome)];
  }

 private:
  mutable absl::Mutex mu_;
  int counts_[3] ABSL_GUARDED_BY(mu_) = {0, 0, 0};
};

}  // namespace

ConvergeResult Converge(ClusterSession& session, const ConvergeOptions& options,
                        std::string_view verb, std::istream& in, std::ostream& out,
                        std::ostream& err, const SavedPlanCheck* saved) {
  absl::StatusOr<ClusterLock> lock =
      ClusterLock::Acquire(session.desired.spec.cluster, options.lock_dir);
  if (!lock.ok()) {
    err << "reconcile: " << lock.status().message() << "\n";
    return {};
  }
  if (absl::Status s = InstallStopHandlers(); !s.ok()) {
    err << "reconcile: " << s.message() << "\n";
    return {};
  }
  if (options.boot_timeout) session.options.actions.boot_timeout = *options.boot_timeout;
  Clock& clock = Clock::Real();
  const absl::Time start = clock.Now();
  const bool color = render::UseColor(STDOUT_FILENO);
  int pass_number = 0;
  Tally tally;
  std::atomic<int> deleted{0};
  std::atomic<int> deleted_networks{0};
  // Without a terminal nobody can answer: apply goes on (scripts, CI), and
  // destroy refused earlier unless --yes.
  Approval approval(!options.yes && Interactive(), in, out);
  session.options.executor.cancel = &StopRequested();
  session.options.on_plan = [&](const model::Plan& plan) {
    out << "Pass " << ++pass_number << ":\n" << render::RenderPlanText(plan, color) << std::flush;
  };
  session.options.approve = [&](const model::Plan& plan, const model::ObservedState& observed) {
    // A saved plan was approved when it was saved (and reviewed): only
    // whether this is still that plan is asked.
    if (saved != nullptr) return saved->check(plan, observed);
    AnsweringScope answering;
    return approval.Approve(plan);
  };
  // Set before MakeReconciler, which copies the options.
  ProgressTicker ticker(out, clock, ProgressTicker::StyleFor(STDOUT_FILENO),
                        ElapsedPrefix(clock, start));
  ticker.Attach(session.options.executor, [&](const model::Action& action, const ActionResult& result) {
    tally.Add(result.outcome);
    if (action.kind == model::ActionKind::kDelete && result.outcome == Outcome::kSucceeded) {
      ++deleted;
    }
    if (action.kind == model::ActionKind::kDeleteNetwork && result.outcome == Outcome::kSucceeded) {
      ++deleted_networks;
    }
    return ProgressLine(action, result, clock.Now() - start);
  });
  Reconciler reconciler = session.MakeReconciler(clock);
  // A pass with nothing to do but problems (or held-back rollouts) is never
  // shown by on_plan: say them, not only that there were some.
  auto on_pass = [&](const PassResult& pass) {
    if (!pass.plan.actions.empty() || pass.plan.converged()) return;
    out << "Pass " << ++pass_number << ":\n" << render::RenderPlanText(pass.plan, color) << std::flush;
  };
  ApplyOutcome outcome =
      ApplyUntilConverged(reconciler, saved != nullptr ? 1 : options.max_passes, clock, on_pass);
  const double seconds = absl::ToDoubleSeconds(clock.Now() - start);
  if (outcome.interrupted) {
    out << fmt::format(
        "{} interrupted after {:.1f}s: {} done, {} failed, {} not started. Nothing is left "
        "half-made: the next run finishes or removes what was cut short.\n",
        verb, seconds, Counted(tally.Of(Outcome::kSucceeded), "action", "actions"),
        tally.Of(Outcome::kFailed), tally.Of(Outcome::kSkipped));
    return {kInterruptedExitCode, deleted.load(), deleted_networks.load()};
  }
  if (outcome.declined) {
    out << fmt::format("{} stopped: {}. Nothing of that plan ran.\n", verb, outcome.stopped_because);
    return {1, deleted.load(), deleted_networks.load()};
  }
  if (saved != nullptr) {
    const int done = tally.Of(Outcome::kSucceeded);
    const int failed = tally.Of(Outcome::kFailed) + tally.Of(Outcome::kSkipped);
    if (!outcome.error.ok()) {
      out << fmt::format("{} stopped: {}.\n", verb, std::string(outcome.error.message()));
      return {1, deleted.load(), deleted_networks.load()};
    }
    out << fmt::format("{} of the saved plan {} in {:.1f}s: {} done, {} failed or skipped.\n",
                       verb, failed == 0 ? "complete" : "incomplete", seconds,
                       Counted(done, "action", "actions"), failed);
    return {failed == 0 ? 0 : 1, deleted.load(), deleted_networks.load()};
  }
  out << ReportLine(verb, outcome, clock.Now() - start) << "\n";
  return {outcome.converged ? 0 : 1, deleted.load(), deleted_networks.load()};
}

}  // namespace reconcile::cli
