#include "reconciler/planner.h"

#include <algorithm>
#include <functional>
#include <set>

#include "fmt/format.h"
#include "reconciler/plan_builder.h"

namespace reconcile::planning {
namespace {

// Every role once, each after the roles it comes `after` (spec order otherwise).
std::vector<std::string> GlobalRoleOrder(const model::Spec& spec) {
  std::vector<std::string> order;
  std::set<std::string> seen;
  std::function<void(const model::RoleSpec&)> visit = [&](const model::RoleSpec& role) {
    if (!seen.insert(role.name).second) return;  // validation rejects cycles
    for (const std::string& dep : role.after) {
      if (const model::RoleSpec* d = spec.FindRole(dep)) visit(*d);
    }
    order.push_back(role.name);
  };
  for (const model::RoleSpec& role : spec.roles) visit(role);
  return order;
}

}  // namespace

model::Plan PlanBuilder::Build() {
  PlanUnreachableHosts();
  PlanNetworkCreates();
  for (const Node& node : nodes_) {
    PlanMachine(node);
    PlanProbeRefusal(node);
  }
  for (const std::string& role : GlobalRoleOrder(spec_)) {
    for (const Node& node : nodes_) {
      if (std::find(node.roles.begin(), node.roles.end(), role) != node.roles.end()) {
        PlanRole(node, role);
      }
    }
  }
  PlanDeletes();
  PlanNetworkDeletes();
  return Finish();
}

int PlanBuilder::Add(ActionKind kind, const std::string& node, std::string role, std::string reason,
                     std::vector<int> depends_on, bool restart) {
  int id = static_cast<int>(plan_.actions.size());
  plan_.actions.push_back(Action{.id = id,
                                 .kind = kind,
                                 .node = node,
                                 .role = std::move(role),
                                 .reason = std::move(reason),
                                 .depends_on = std::move(depends_on),
                                 .restart = restart});
  if (several_hosts_ && kind != ActionKind::kConfigure) plan_.actions.back().host = HostFor(node);
  return id;
}

int PlanBuilder::AddNetworkAction(ActionKind kind, const NetworkChange& change,
                                  std::vector<int> depends_on) {
  int id = static_cast<int>(plan_.actions.size());
  plan_.actions.push_back(Action{.id = id,
                                 .kind = kind,
                                 .network = change.network,
                                 .reason = change.reason,
                                 .depends_on = std::move(depends_on),
                                 .host = several_hosts_ ? change.host : ""});
  return id;
}

void PlanBuilder::PlanNetworkCreates() {
  for (const NetworkChange& change : networks_.creates) {
    network_action_[{change.host, change.network}] =
        AddNetworkAction(ActionKind::kCreateNetwork, change, {});
  }
  for (const model::PlanProblem& problem : networks_.problems) plan_.problems.push_back(problem);
  plan_.orphan_networks = networks_.orphans;
}

void PlanBuilder::PlanNetworkDeletes() {
  for (const NetworkChange& change : networks_.deletes) {
    std::vector<int> deletes;
    for (const Action& action : plan_.actions) {
      if (action.kind != ActionKind::kDelete) continue;
      const std::string host = HostFor(action.node);
      if ((host.empty() ? spec_.Hosts().front().name : host) == change.host) {
        deletes.push_back(action.id);
      }
    }
    AddNetworkAction(ActionKind::kDeleteNetwork, change, std::move(deletes));
  }
}

void PlanBuilder::PlanDeletes() {
  // By name: libvirt lists domains in no stable order, and the same world
  // must give the same plan. Only the domains that left the spec are
  // sorted (a stable sort of the filtered list is the filtered sort): in a
  // converged pass there are none.
  std::vector<const ObservedDomain*> by_name;
  for (const ObservedDomain& domain : observed_.domains) {
    if (!domain.managed || domain.cluster != spec_.cluster || node_index_.contains(domain.name))
      continue;
    by_name.push_back(&domain);
  }
  std::stable_sort(
      by_name.begin(), by_name.end(),
      [](const ObservedDomain* a, const ObservedDomain* b) { return a->name < b->name; });
  for (const ObservedDomain* listed : by_name) {
    const ObservedDomain& domain = *listed;
    if (auto twice = placement_.duplicated.find(domain.name);
        twice != placement_.duplicated.end()) {
      if (reported_duplicates_.insert(domain.name).second) {
        plan_.problems.push_back({domain.name, Duplicated(domain.name, twice->second)});
      }
      continue;
    }
    if (spec_.policy.prune) {
      Add(ActionKind::kDelete, domain.name, "", "no longer in the spec", {});
    } else {
      plan_.orphans.push_back(domain.name);
    }
  }
}

model::Plan PlanBuilder::Finish() {
  for (Action& action : plan_.actions) {
    std::sort(action.depends_on.begin(), action.depends_on.end());
    action.depends_on.erase(std::unique(action.depends_on.begin(), action.depends_on.end()),
                            action.depends_on.end());
  }
  return std::move(plan_);
}

}  // namespace reconcile::planning

namespace reconcile {

model::Plan ComputePlan(const model::Spec& spec, const std::vector<model::Node>& nodes,
                        const model::ObservedState& observed) {
  return planning::PlanBuilder(spec, nodes, observed).Build();
}

}  // namespace reconcile
