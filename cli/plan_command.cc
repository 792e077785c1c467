#include "cli/plan_command.h"

#include <unistd.h>

#include "cli/cluster_session.h"
#include "cli/render/plan_json.h"
#include "cli/render/plan_text.h"
#include "cli/render/terminal_text.h"

namespace reconcile::cli {

int RunPlan(const PlanOptions& options, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ClusterSession> session = OpenCluster(options.target, err);
  if (!session.ok()) return 1;
  absl::StatusOr<PassResult> pass = PlanOnce(*session, err);
  if (!pass.ok()) return 1;
  if (options.json) {
    out << render::RenderPlanJson(pass->plan, session->desired.spec.cluster) << "\n";
  } else {
    out << render::RenderPlanText(pass->plan, render::UseColor(STDOUT_FILENO));
  }
  if (!pass->plan.problems.empty()) return 1;
  return options.detailed_exitcode && !pass->plan.converged() ? 2 : 0;
}

}  // namespace reconcile::cli
