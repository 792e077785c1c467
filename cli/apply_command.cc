#include "cli/apply_command.h"

#include <unistd.h>

#include "base/clock.h"
#include "cli/cluster_session.h"
#include "cli/progress.h"
#include "cli/render/plan_text.h"
#include "cli/render/terminal_text.h"
#include "reconciler/lock/cluster_lock.h"

namespace reconcile::cli {

int RunApply(const ApplyOptions& options, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ClusterSession> session = OpenCluster(options.target, err);
  if (!session.ok()) return 1;
  absl::StatusOr<ClusterLock> lock = ClusterLock::Acquire(session->desired.spec.cluster, options.lock_dir);
  if (!lock.ok()) {
    err << "reconcile: " << lock.status().message() << "\n";
    return 1;
  }
  if (options.boot_timeout) session->options.actions.boot_timeout = *options.boot_timeout;
  Clock& clock = Clock::Real();
  const absl::Time start = clock.Now();
  const bool color = render::UseColor(STDOUT_FILENO);
  int pass_number = 0;
  session->options.on_plan = [&](const model::Plan& plan) {
    out << "Pass " << ++pass_number << ":\n" << render::RenderPlanText(plan, color) << std::flush;
  };
  session->options.executor.on_done = [&](const model::Action& action, const ActionResult& result) {
    out << ProgressLine(action, result, clock.Now() - start) << "\n" << std::flush;
  };
  Reconciler reconciler = session->MakeReconciler(clock);
  // A pass with nothing to do but problems (or held-back rollouts) is never
  // shown by on_plan: say them, not only that there were some.
  auto on_pass = [&](const PassResult& pass) {
    if (!pass.plan.actions.empty() || pass.plan.converged()) return;
    out << "Pass " << ++pass_number << ":\n" << render::RenderPlanText(pass.plan, color) << std::flush;
  };
  ApplyOutcome outcome = ApplyUntilConverged(reconciler, options.max_passes, clock, on_pass);
  out << ApplyReportLine(outcome, clock.Now() - start) << "\n";
  return outcome.converged ? 0 : 1;
}

}  // namespace reconcile::cli
