#include "cli/graph_command.h"

#include "cli/cluster_session.h"
#include "cli/render/plan_dot.h"

namespace reconcile::cli {

int RunGraph(const GraphOptions& options, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ClusterSession> session = OpenCluster(options.target, err);
  if (!session.ok()) return 1;
  absl::StatusOr<PassResult> pass = PlanOnce(*session, err);
  if (!pass.ok()) return 1;
  out << render::RenderPlanDot(pass->plan, session->desired.spec.cluster);
  // As `plan`: the graph is printed, but a plan with problems is an error.
  return pass->plan.problems.empty() ? 0 : 1;
}

}  // namespace reconcile::cli
