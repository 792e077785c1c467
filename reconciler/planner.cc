#include "reconciler/planner.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "fmt/format.h"
#include "model/domain_index.h"
#include "reconciler/data_disk_changes.h"
#include "reconciler/network_plan.h"
#include "reconciler/placement.h"

namespace reconcile {
namespace {

using model::Action;
using model::ActionKind;
using model::DomainState;
using model::Node;
using model::ObservedDomain;

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

// Why a node is down or is started: its state, except that a reason reads
// "not running" where the state has no better name than "other".
std::string StateReason(DomainState state) {
  return state == DomainState::kOther ? "not running" : model::DomainStateText(state);
}

std::string HardwareChange(const ObservedDomain& domain, const Node& node) {
  std::vector<std::string> parts;
  if (domain.vcpus != node.cpus) parts.push_back(fmt::format("cpus {} -> {}", domain.vcpus, node.cpus));
  if (domain.memory_bytes != node.memory_bytes) {
    parts.push_back(fmt::format("memory {} MiB -> {} MiB", domain.memory_bytes >> 20,
                                node.memory_bytes >> 20));
  }
  if (parts.empty()) return "root disk, autostart or data disks changed (in place, no restart)";
  return fmt::format("{}", fmt::join(parts, ", "));
}

// What the planner decided for one node's machine, before its roles.
struct NodeState {
  int last_action = -1;  // the node's latest action so far; -1 when none
  bool fresh = false;    // created or replaced in this pass: no role applied yet
  bool restarted = false;  // started or restarted: its last probe is stale
  bool blocked = false;    // a plan problem: never touched
  bool deferred = false;   // its disruption is held back by the rolling budget
  bool unknown = false;    // not seen while a host was unreachable: left alone
};

class PlanBuilder {
 public:
  PlanBuilder(const model::Spec& spec, const std::vector<Node>& nodes,
              const model::ObservedState& observed)
      : spec_(spec), nodes_(nodes), observed_(observed),
        placement_(PlaceNodes(spec, nodes, observed)), several_hosts_(spec.Hosts().size() > 1) {
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

  model::Plan Build() {
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

 private:
  int Add(ActionKind kind, const std::string& node, std::string role, std::string reason,
          std::vector<int> depends_on, bool restart = false) {
    int id = static_cast<int>(plan_.actions.size());
    plan_.actions.push_back(Action{.id = id, .kind = kind, .node = node, .role = std::move(role),
                                   .reason = std::move(reason),
                                   .depends_on = std::move(depends_on), .restart = restart});
    if (several_hosts_ && kind != ActionKind::kConfigure) plan_.actions.back().host = HostFor(node);
    return id;
  }

  int AddNetworkAction(ActionKind kind, const NetworkChange& change, std::vector<int> depends_on) {
    int id = static_cast<int>(plan_.actions.size());
    plan_.actions.push_back(Action{.id = id, .kind = kind, .network = change.network,
                                   .reason = change.reason, .depends_on = std::move(depends_on),
                                   .host = several_hosts_ ? change.host : ""});
    return id;
  }

  void PlanNetworkCreates() {
    for (const NetworkChange& change : networks_.creates) {
      network_action_[{change.host, change.network}] =
          AddNetworkAction(ActionKind::kCreateNetwork, change, {});
    }
    for (const model::PlanProblem& problem : networks_.problems) plan_.problems.push_back(problem);
    plan_.orphan_networks = networks_.orphans;
  }

  // A network leaves last: after every delete of a domain on its host (the
  // driver refuses while any domain still has an interface on it).
  void PlanNetworkDeletes() {
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

  // The cluster's networks that `node` joins on the host it is (to be)
  // created on: the actions that make them, added to `deps`; or why the node
  // cannot boot in this pass (a network that will not be there).
  std::optional<std::string> NetworksFor(const Node& node, std::vector<int>& deps) const {
    const std::string host_name = CreateHostFor(node);
    const model::HypervisorSpec* host = spec_.FindHost(host_name);
    if (host == nullptr || host->create_networks.empty()) return std::nullopt;
    std::vector<std::string> joined;
    for (const model::NodeNic& nic : node.nics) joined.push_back(nic.network);
    if (node.nics.empty()) joined.push_back(host->network);
    for (const std::string& network : joined) {
      if (network.empty() || host->FindCreatedNetwork(network) == nullptr) continue;
      if (networks_.unusable.count({host_name, network}) != 0) {
        return fmt::format("network {} cannot be used in this pass (see the host's problem)",
                           network);
      }
      if (auto id = network_action_.find({host_name, network}); id != network_action_.end()) {
        deps.push_back(id->second);
      }
    }
    return std::nullopt;
  }

  // Where a node lives or is about to be created.
  std::string HostFor(const std::string& node) const {
    if (auto it = placement_.host_of.find(node); it != placement_.host_of.end()) return it->second;
    const ObservedDomain* domain = FindDomain(node);
    return domain != nullptr ? HostOf(spec_, *domain) : "";
  }

  static std::string Duplicated(const std::string& name, const std::vector<std::string>& hosts) {
    return fmt::format("domain {} exists on several hosts ({}); reconcile touches none of them: "
                       "remove the copies that are not the node",
                       name, fmt::join(hosts, ", "));
  }

  // One problem per host that could not be listed, naming the nodes that may
  // live there: they are unknown, neither created elsewhere nor deleted.
  void PlanUnreachableHosts() {
    for (const model::HypervisorSpec& host : spec_.Hosts()) {
      auto down = observed_.unreachable_hosts.find(host.name);
      if (down == observed_.unreachable_hosts.end()) continue;
      const size_t n = placement_.unknown.size();
      std::string message = fmt::format("host {} unreachable: {} {} unknown", host.name, n,
                                        n == 1 ? "node" : "nodes");
      if (n > 0) {
        // Name a few: with thousands unknown the list would drown the message.
        constexpr size_t kNamed = 10;
        const auto& unknown = placement_.unknown;
        message += fmt::format(" ({}{})", fmt::join(unknown.begin(), unknown.begin() + std::min(n, kNamed), ", "),
                               n > kNamed ? fmt::format(", and {} more", n - kNamed) : "");
      }
      message += fmt::format("; nothing is created in their place: {}", down->second);
      plan_.problems.push_back({.node = "", .message = std::move(message), .host = host.name});
    }
  }

  static std::vector<int> After(int id) { return id < 0 ? std::vector<int>{} : std::vector<int>{id}; }

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
  std::optional<std::string> Unavailability(const Node& node, bool* down) const {
    *down = false;
    if (unknown_.count(node.name) != 0) return "unknown (its host is unreachable)";
    const ObservedDomain* domain = FindDomain(node.name);
    *down = true;
    if (domain == nullptr) return "missing";
    if (domain->state != DomainState::kRunning) return StateReason(domain->state);
    *down = false;
    const model::NodeProbe* probe = ProbeOf(node);
    if (probe == nullptr || !probe->status.ok()) return "unreachable";
    for (const std::string& role : node.roles) {
      if (ConfigureReason(node, role, NodeState{})) return "not converged";
    }
    return std::nullopt;
  }

  // The group's members that are unavailable before this pass acts: a
  // rollout counts them against `max_unavailable`, so one that failed in an
  // earlier pass (a node left missing) holds the rest of the group back.
  // Found on the group's first disruption only: most passes have none.
  void FindUnavailable(const std::string& group) {
    if (!groups_surveyed_.insert(group).second) return;
    for (const Node& node : nodes_) {
      if (node.existing || node.group != group) continue;
      bool down = false;
      if (std::optional<std::string> why = Unavailability(node, &down)) {
        unavailable_[node.group].emplace(node.name, *why);
        if (down) down_.insert(node.name);
      }
    }
  }

  // A disruptive change (replace, restarting update) fits the group's budget?
  // The budget covers members unavailable already and those disrupted in
  // this pass; a member that is down already costs nothing more.
  bool TakeUnavailableSlot(const Node& node, std::string_view what) {
    const model::GroupSpec* group = spec_.FindGroup(node.group);
    const int budget = group ? std::max(group->max_unavailable, 1) : 1;
    FindUnavailable(node.group);
    std::map<std::string, std::string>& out = unavailable_[node.group];
    if (down_.count(node.name) != 0) return true;
    // Counted first, named only when deferring: a rollout over a large
    // group must not be quadratic.
    const size_t n = out.size() - out.count(node.name);
    if (static_cast<int>(n) + 1 > budget) {
      constexpr size_t kNamed = 5;
      std::vector<std::string> others;
      for (const auto& [name, why] : out) {
        if (others.size() == kNamed) break;
        if (name != node.name) others.push_back(fmt::format("{} {}", name, why));
      }
      plan_.deferred.push_back(
          {node.name,
           fmt::format("{} waits: group '{}' allows {} unavailable at a time and {} {} ({}{})",
                       what, node.group, budget, n, n == 1 ? "is" : "are",
                       fmt::join(others, ", "),
                       n > kNamed ? fmt::format(", and {} more", n - kNamed) : "")});
      return false;
    }
    out.emplace(node.name, "disrupted in this pass");
    return true;
  }

  void PlanMachine(const Node& node) {
    NodeState& state = StateOf(node);
    if (node.existing) return;  // never created, started or deleted by us
    const ObservedDomain* domain = FindDomain(node.name);
    if (domain == nullptr) {
      if (unknown_.count(node.name) != 0) {
        state.blocked = state.unknown = true;  // reported once per unreachable host
        return;
      }
      if (auto full = placement_.unplaced.find(node.name); full != placement_.unplaced.end()) {
        Block(state, node.name, full->second);
        return;
      }
      if (const std::string* why = CreateProblem(node)) {
        Block(state, node.name, fmt::format("cannot be created: {}", *why));
        return;
      }
      std::vector<int> deps;
      if (std::optional<std::string> why = NetworksFor(node, deps)) {
        Block(state, node.name, fmt::format("cannot be created: {}", *why));
        return;
      }
      state.last_action = Add(ActionKind::kCreate, node.name, "", "not found", std::move(deps));
      state.fresh = true;
      return;
    }
    if (auto twice = placement_.duplicated.find(node.name); twice != placement_.duplicated.end()) {
      Block(state, node.name, Duplicated(node.name, twice->second));
      return;
    }
    if (!domain->managed) {
      Block(state, node.name,
            fmt::format("a domain named '{}' exists that reconcile did not create; it is never "
                        "touched: rename or remove it, or rename the group",
                        node.name));
      return;
    }
    if (domain->cluster != spec_.cluster) {
      Block(state, node.name,
            fmt::format("domain '{}' belongs to cluster '{}', not '{}'; it is never touched",
                        node.name, domain->cluster, spec_.cluster));
      return;
    }
    const bool running = domain->state == DomainState::kRunning || domain->state == DomainState::kPaused;
    // A boot (create, replace, start, restart) needs the node's networks.
    std::vector<int> network_deps;
    const std::optional<std::string> network_block = NetworksFor(node, network_deps);
    const bool changed = domain->hardware_hash != node.hardware_hash;
    const bool boots = domain->state != DomainState::kRunning ||
                       (changed && (domain->image_hash != node.image_hash ||
                                    domain->vcpus != node.cpus ||
                                    domain->memory_bytes != node.memory_bytes));
    if (network_block && boots) {
      Block(state, node.name, fmt::format("not booted: {}", *network_block));
      return;
    }
    if (domain->hardware_hash != node.hardware_hash) {
      const std::string disks = DataDiskProblem(*domain, node, CreateHostPool(node),
                                                domain->image_hash != node.image_hash);
      if (!disks.empty()) {
        Block(state, node.name, disks);
        return;
      }
      if (domain->image_hash != node.image_hash) {
        // Nothing is deleted before its replacement can be created.
        if (const std::string* why = CreateProblem(node)) {
          Block(state, node.name,
                fmt::format("not replaced (the node is kept as it is): its replacement cannot be "
                            "created: {}; the rollout of group '{}' stops here",
                            *why, node.group));
          return;
        }
        if (!TakeUnavailableSlot(node, "replacement")) {
          state.deferred = true;
          return;
        }
        state.last_action =
            Add(ActionKind::kReplace, node.name, "",
                node.custom_boot() ? "image or boot settings (firmware, arch, networks) changed"
                                 : "image changed",
                network_deps);
        state.fresh = true;
        return;
      }
      // Only cpus and memory need a boot to take effect (the driver's
      // kNeedsRestart); a grown root disk or autostart applies to the running
      // domain, so it costs no slot of the rolling budget.
      const bool restart =
          running && (domain->vcpus != node.cpus || domain->memory_bytes != node.memory_bytes);
      if (restart && !TakeUnavailableSlot(node, "restart")) {
        state.deferred = true;
        return;
      }
      state.last_action = Add(ActionKind::kUpdate, node.name, "", HardwareChange(*domain, node),
                              network_deps, restart);
      state.restarted = restart;
    }
    if (domain->state != DomainState::kRunning) {
      std::vector<int> deps = After(state.last_action);
      deps.insert(deps.end(), network_deps.begin(), network_deps.end());
      state.last_action = Add(ActionKind::kStart, node.name, "", StateReason(domain->state), deps);
      state.restarted = true;
    }
  }

  // A node whose probe was refused for good (a host key that does not match
  // the one recorded, an unknown key, a login refused) is a problem, not a
  // pending configure: configuring would be refused the same way, and a plan
  // that says "changes pending" would hide it.
  void PlanProbeRefusal(const Node& node) {
    NodeState& state = StateOf(node);
    if (state.blocked || state.fresh || state.restarted) return;
    const model::NodeProbe* probe = ProbeOf(node);
    if (probe == nullptr || probe->status.code() != absl::StatusCode::kFailedPrecondition) return;
    Block(state, node.name,
          fmt::format("not configured: {}", std::string(probe->status.message())));
  }

  // Why `role` must be (re)applied on `node`, or nothing when it is converged.
  std::optional<std::string> ConfigureReason(const Node& node, const std::string& role,
                                             const NodeState& state) const {
    if (state.fresh) return "new node";
    if (state.restarted) return "node was not running";
    const model::NodeProbe* probe = ProbeOf(node);
    if (probe == nullptr) return "node not probed";
    if (!probe->status.ok()) return fmt::format("node unreachable: {}", std::string(probe->status.message()));
    auto applied = probe->applied_roles.find(role);
    if (applied == probe->applied_roles.end()) return "not applied";
    auto wanted = node.role_hashes.find(role);
    if (wanted == node.role_hashes.end() || applied->second != wanted->second) {
      return "role changed since it was applied";
    }
    auto check = probe->checks_pass.find(role);
    if (check != probe->checks_pass.end() && !check->second) return "a check fails";
    return std::nullopt;
  }

  void PlanRole(const Node& node, const std::string& role) {
    NodeState& state = StateOf(node);
    if (state.blocked) {
      unappliable_roles_.insert(role);
      return;
    }
    // A member whose replacement waits is still configured where it runs: it
    // must become healthy for the rollout to go on.
    std::vector<int> deps = After(state.last_action);
    if (const model::RoleSpec* spec_role = spec_.FindRole(role)) {
      for (const std::string& dep : spec_role->after) {
        if (unappliable_roles_.count(dep) != 0) {
          plan_.problems.push_back(
              {node.name, fmt::format("role '{}' waits for role '{}', which cannot be applied", role, dep)});
          unappliable_roles_.insert(role);
          return;
        }
        const std::vector<int>& providers = configures_of_role_[dep];
        deps.insert(deps.end(), providers.begin(), providers.end());
      }
    }
    std::optional<std::string> reason = ConfigureReason(node, role, state);
    if (!reason) return;
    state.last_action = Add(ActionKind::kConfigure, node.name, role, *std::move(reason), std::move(deps));
    configures_of_role_[role].push_back(state.last_action);
  }

  void PlanDeletes() {
    // By name: libvirt lists domains in no stable order, and the same world
    // must give the same plan. Only the domains that left the spec are
    // sorted (a stable sort of the filtered list is the filtered sort): in a
    // converged pass there are none.
    std::vector<const ObservedDomain*> by_name;
    for (const ObservedDomain& domain : observed_.domains) {
      if (!domain.managed || domain.cluster != spec_.cluster || node_index_.contains(domain.name)) continue;
      by_name.push_back(&domain);
    }
    std::stable_sort(by_name.begin(), by_name.end(),
                     [](const ObservedDomain* a, const ObservedDomain* b) { return a->name < b->name; });
    for (const ObservedDomain* listed : by_name) {
      const ObservedDomain& domain = *listed;
      if (auto twice = placement_.duplicated.find(domain.name); twice != placement_.duplicated.end()) {
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

  // The list is in dependency order as built: Add gives each action the next
  // id and its dependencies are ids Add returned before, so every one is an
  // earlier id (the executor's CheckDag refuses any other plan). What is left
  // is the dedupe: a configure can wait on one action both as the node's last
  // and as a provider of a role it comes after.
  model::Plan Finish() {
    for (Action& action : plan_.actions) {
      std::sort(action.depends_on.begin(), action.depends_on.end());
      action.depends_on.erase(std::unique(action.depends_on.begin(), action.depends_on.end()),
                              action.depends_on.end());
    }
    return std::move(plan_);
  }

  const model::Spec& spec_;
  const std::vector<Node>& nodes_;
  const ObservedDomain* FindDomain(const std::string& name) const {
    return domains_.Find(name);
  }
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
  const absl::flat_hash_set<std::string_view> unknown_{placement_.unknown.begin(), placement_.unknown.end()};
  const bool several_hosts_;
  absl::flat_hash_set<std::string_view> reported_duplicates_;
  model::Plan plan_;
  std::vector<NodeState> nodes_state_;  // by index in nodes_, see state_index_
  std::vector<size_t> state_index_;     // node index -> its nodes_state_ index
  // Node index -> its probe (nullptr: none); see ProbeOf.
  static inline const model::NodeProbe* const kNotLookedUp = reinterpret_cast<const model::NodeProbe*>(1);
  mutable std::vector<const model::NodeProbe*> probe_of_;
  absl::flat_hash_map<std::string_view, size_t> node_index_;  // name -> first node of it
  absl::flat_hash_map<std::string, std::vector<int>> configures_of_role_;
  absl::flat_hash_set<std::string> unappliable_roles_;
  // Group -> member -> why it is unavailable (before this pass, or because
  // this pass disrupts it). Ordered by member: a deferral names the first.
  absl::flat_hash_map<std::string, std::map<std::string, std::string>> unavailable_;
  absl::flat_hash_set<std::string_view> down_;  // unavailable members that serve nothing now
  absl::flat_hash_set<std::string> groups_surveyed_;  // groups whose unavailable_ is filled
};

}  // namespace

model::Plan ComputePlan(const model::Spec& spec, const std::vector<model::Node>& nodes,
                        const model::ObservedState& observed) {
  return PlanBuilder(spec, nodes, observed).Build();
}

}  // namespace reconcile
