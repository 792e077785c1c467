#include "cli/status_command.h"

#include "cli/cluster_session.h"
#include "cli/render/revision_json.h"
#include "cli/render/status_text.h"

namespace reconcile::cli {

int RunStatus(const StatusOptions& options, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ClusterSession> session = OpenCluster(options.target, err);
  if (!session.ok()) return 1;
  absl::StatusOr<PassResult> pass = PlanOnce(*session, err);
  if (!pass.ok()) return 1;
  std::vector<std::string> hosts;
  for (const model::HypervisorSpec& host : session->desired.spec.Hosts()) hosts.push_back(host.name);
  const std::string& cluster = session->desired.spec.cluster;
  std::vector<model::Node> shown;  // --target: only those nodes
  for (const model::Node& node : session->desired.nodes) {
    if (session->options.only.empty() || session->options.only.count(node.name)) shown.push_back(node);
  }
  std::vector<render::NodeStatus> rows =
      render::BuildStatus(cluster, shown, pass->observed, pass->plan, hosts);
  if (options.json) {
    const std::string json = render::RenderStatusJson(cluster, rows, pass->plan, pass->observed, hosts);
    out << (session->revision ? render::AddRevision(json, *session->revision, 2) : json);
  } else {
    if (session->revision) out << "Spec: " << render::RevisionLine(*session->revision) << "\n";
    out << render::RenderStatusText(rows, pass->plan, pass->observed, hosts);
  }
  if (!pass->plan.problems.empty()) return 1;
  return pass->plan.converged() ? 0 : 2;
}

}  // namespace reconcile::cli
