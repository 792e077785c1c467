#include "cli/destroy_command.h"

#include <iostream>

#include "base/text.h"
#include "cli/approval.h"
#include "cli/cluster_session.h"
#include "cli/converge.h"
#include "fmt/format.h"

namespace reconcile::cli {

int RunDestroy(const DestroyOptions& options, std::ostream& out, std::ostream& err) {
  if (!options.converge.yes && !Interactive()) {
    err << "reconcile destroy: no terminal to ask on; pass --yes to destroy without asking\n";
    return 1;
  }
  absl::StatusOr<ClusterSession> session = OpenCluster(options.target, err);
  if (!session.ok()) return 1;
  // Destroying is converging to a cluster with no nodes, pruning what is
  // owned: the planner's ownership rules decide what goes, as for any delete.
  const std::string cluster = session->desired.spec.cluster;
  session->desired.nodes.clear();
  session->desired.spec.policy.prune = true;
  // The cluster's own networks go too, after the domains on them.
  session->desired.spec.hypervisor.create_networks.clear();
  for (model::HypervisorSpec& host : session->desired.spec.hypervisors) host.create_networks.clear();
  bool has_existing = false;
  for (const model::GroupSpec& group : session->desired.spec.groups) {
    has_existing = has_existing || !group.hosts.empty();
  }
  const ConvergeResult result = Converge(*session, options.converge, "Destroy", std::cin, out, err);
  if (result.exit_code == 0) {
    out << fmt::format("Cluster {}: {} deleted with the volumes made for them", cluster,
                       Counted(result.deleted, "domain", "domains"));
    if (result.deleted_networks > 0) {
      out << fmt::format(", and {} it created", Counted(result.deleted_networks, "network", "networks"));
    }
    out << (has_existing ? "; existing machines (hosts:) are left as they are.\n" : ".\n");
  }
  return result.exit_code;
}

}  // namespace reconcile::cli
