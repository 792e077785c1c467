// The planner's working state for one pass (ComputePlan, reconciler/planner.h):
// one PlanBuilder walks the nodes once for their machines, then the roles in
// dependency order, then what left the spec. Its passes live in files of
// their own: planner.cc (order, networks, deletes), plan_machine.cc (create,
// start, update, replace), plan_rollout.cc (the rolling budget of
// max_unavailable), plan_roles.cc (configures). Internal to the reconciler.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "model/domain_index.h"
#include "model/node.h"
#include "model/observed.h"
#include "model/plan.h"
#include "model/spec.h"
#include "reconciler/network_plan.h"
#include "reconciler/placement.h"

namespace reconcile::planning {

using model::Action;
using model::ActionKind;
using model::DomainState;
using model::Node;
using model::ObservedDomain;

// Why a node is down or is started: its state, except that a reason reads
// "not running" where the state has no better name than "other".
inline std::string StateReason(DomainState state) {
  return state == DomainState::kOther ? "not running" : model::DomainStateText(state);
}

// What the planner decided for one node's machine, before its roles.
struct NodeState {
  int last_action = -1;    // the node's latest action so far; -1 when none
  bool fresh = false;      // created or replaced in this pass: no role applied yet
  bool restarted = false;  // started or restarted: its last probe is stale
  bool blocked = false;    // a plan problem: never touched
  bool deferred = false;   // its disruption is held back by the rolling budget
  bool unknown = false;    // not seen while a host was unreachable: left alone
};

class PlanBuilder {
 public:
  PlanBuilder(const model::Spec& spec, const std::vector<Node>& nodes,
              const model::ObservedState& observed)
      : spec_(spec),
        nodes_(nodes),
        observed_(observed),
        placement_(PlaceNodes(spec, nodes, observed)),
        several_hosts_(spec.Hosts().size() > 1) {
    // A node's state is found by its index in `nodes_`; nodes of one name
    // (which validation rejects) share the first one's, as a map by name did.
    node_index_.reserve(nodes.size());
    state_index_.reserve(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i) {
      state_index_.push_back(node_index_.try_emplace(nodes[i].name, i).first->second);
    }
    nodes_state_.resize(nodes.size());
    probe_of_.assign(nodes.size(), kNotLookedUp);
  }

  model::Plan Build();

 private:
  int Add(ActionKind kind, const std::string& node, std::string role, std::string reason,
          std::vector<int> depends_on, bool restart = false);

  int AddNetworkAction(ActionKind kind, const NetworkChange& change, std::vector<int> depends_on);

  void PlanNetworkCreates();

  // A network leaves last: after every delete of a domain on its host (the
  // driver refuses while any domain still has an interface on it).
  void PlanNetworkDeletes();

  // The cluster's networks that `node` joins on the host it is (to be)
  // created on: the actions that make them, added to `deps`; or why the node
  // cannot boot in this pass (a network that will not be there).
  std::optional<std::string> NetworksFor(const Node& node, std::vector<int>& deps) const;

  // Where a node lives or is about to be created.
  std::string HostFor(const std::string& node) const {
    if (auto it = placement_.host_of.find(node); it != placement_.host_of.end()) return it->second;
    const ObservedDomain* domain = FindDomain(node);
    return domain != nullptr ? HostOf(spec_, *domain) : "";
  }

  static std::string Duplicated(const std::string& name, const std::vector<std::string>& hosts);

  // One problem per host that could not be listed, naming the nodes that may
  // live there: they are unknown, neither created elsewhere nor deleted.
  void PlanUnreachableHosts();

  static std::vector<int> After(int id) {
    return id < 0 ? std::vector<int>{} : std::vector<int>{id};
  }

  void Block(NodeState& state, const std::string& node, std::string message) {
    state.blocked = true;
    plan_.problems.push_back({node, std::move(message)});
  }

  // The host a node's create or replace goes to, by its spec name.
  std::string CreateHostFor(const Node& node) const {
    std::string host = HostFor(node.name);
    return host.empty() ? spec_.Hosts().front().name : host;
  }

  // The pool of the host a node lives on (or is created on).
  std::string CreateHostPool(const Node& node) const {
    const model::HypervisorSpec* host = spec_.FindHost(CreateHostFor(node));
    return host != nullptr ? host->pool : spec_.Hosts().front().pool;
  }

  // Why a node of this group cannot be created where it would be, if so.
  const std::string* CreateProblem(const Node& node) const {
    auto group = observed_.create_problems.find(node.group);
    if (group == observed_.create_problems.end()) return nullptr;
    auto host = group->second.find(CreateHostFor(node));
    return host == group->second.end() ? nullptr : &host->second;
  }

  // Why a member of a group does not count as available now, or nothing.
  // `down` is set when it certainly serves nothing (missing, not running):
  // disrupting it takes nothing away. An unreachable member is not `down`:
  // the network may be what failed, and nodes are never replaced wholesale
  // because they could not be reached.
  std::optional<std::string> Unavailability(const Node& node, bool* down) const;

  // The group's members that are unavailable before this pass acts: a
  // rollout counts them against `max_unavailable`, so one that failed in an
  // earlier pass (a node left missing) holds the rest of the group back.
  // Found on the group's first disruption only: most passes have none.
  void FindUnavailable(const std::string& group);

  // A disruptive change (replace, restarting update) fits the group's budget?
  // The budget covers members unavailable already and those disrupted in
  // this pass; a member that is down already costs nothing more.
  bool TakeUnavailableSlot(const Node& node, std::string_view what);

  void PlanMachine(const Node& node);

  // A node whose probe was refused for good (a host key that does not match
  // the one recorded, an unknown key, a login refused) is a problem, not a
  // pending configure: configuring would be refused the same way, and a plan
  // that says "changes pending" would hide it.
  void PlanProbeRefusal(const Node& node);

  // Why `role` must be (re)applied on `node`, or nothing when it is converged.
  std::optional<std::string> ConfigureReason(const Node& node, const std::string& role,
                                             const NodeState& state) const;

  void PlanRole(const Node& node, const std::string& role);

  void PlanDeletes();

  // The list is in dependency order as built: Add gives each action the next
  // id and its dependencies are ids Add returned before, so every one is an
  // earlier id (the executor's CheckDag refuses any other plan). What is left
  // is the dedupe: a configure can wait on one action both as the node's last
  // and as a provider of a role it comes after.
  model::Plan Finish();

  const model::Spec& spec_;
  const std::vector<Node>& nodes_;
  const ObservedDomain* FindDomain(const std::string& name) const { return domains_.Find(name); }
  // `node` is one of `nodes_`.
  NodeState& StateOf(const Node& node) { return nodes_state_[state_index_[&node - nodes_.data()]]; }
  // The node's probe, found once: the roles pass asks again long after the
  // machine pass, and at 10,000 nodes the probe's key and slot have left the
  // cache by then.
  const model::NodeProbe* ProbeOf(const Node& node) const {
    const model::NodeProbe*& probe = probe_of_[&node - nodes_.data()];
    if (probe == kNotLookedUp) probe = observed_.FindProbe(node.name);
    return probe;
  }

  // Name-keyed sets and maps are hashed: names share a long prefix, and
  // ordered ones made the pass superlinear. The views point into the spec's
  // nodes, the observation and placement_, which outlive the builder.
  const model::ObservedState& observed_;
  const NetworkPlan networks_ = PlanNetworks(spec_, nodes_, observed_);
  std::map<std::pair<std::string, std::string>, int> network_action_;  // (host, network) -> id
  const model::DomainIndex domains_{observed_.domains};
  const Placement placement_;
  const absl::flat_hash_set<std::string_view> unknown_{placement_.unknown.begin(),
                                                       placement_.unknown.end()};
  const bool several_hosts_;
  absl::flat_hash_set<std::string_view> reported_duplicates_;
  model::Plan plan_;
  std::vector<NodeState> nodes_state_;  // by index in nodes_, see state_index_
  std::vector<size_t> state_index_;     // node index -> its nodes_state_ index
  // Node index -> its probe (nullptr: none); see ProbeOf.
  static inline const model::NodeProbe* const kNotLookedUp =
      reinterpret_cast<const model::NodeProbe*>(1);
  mutable std::vector<const model::NodeProbe*> probe_of_;
  absl::flat_hash_map<std::string_view, size_t> node_index_;  // name -> first node of it
  absl::flat_hash_map<std::string, std::vector<int>> configures_of_role_;
  absl::flat_hash_set<std::string> unappliable_roles_;
  // Group -> member -> why it is unavailable (before this pass, or because
  // this pass disrupts it). Ordered by member: a deferral names the first.
  absl::flat_hash_map<std::string, std::map<std::string, std::string>> unavailable_;
  absl::flat_hash_set<std::string_view> down_;        // unavailable members that serve nothing now
  absl::flat_hash_set<std::string> groups_surveyed_;  // groups whose unavailable_ is filled
};

}  // namespace reconcile::planning
