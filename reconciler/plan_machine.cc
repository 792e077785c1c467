#include <algorithm>

#include "fmt/format.h"
#include "reconciler/data_disk_changes.h"
#include "reconciler/plan_builder.h"

namespace reconcile::planning {
namespace {

std::string HardwareChange(const ObservedDomain& domain, const Node& node) {
  std::vector<std::string> parts;
  if (domain.vcpus != node.cpus)
    parts.push_back(fmt::format("cpus {} -> {}", domain.vcpus, node.cpus));
  if (domain.memory_bytes != node.memory_bytes) {
    parts.push_back(
        fmt::format("memory {} MiB -> {} MiB", domain.memory_bytes >> 20, node.memory_bytes >> 20));
  }
  if (parts.empty()) return "root disk, autostart or data disks changed (in place, no restart)";
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

std::optional<std::string> PlanBuilder::NetworksFor(const Node& node,
                                                    std::vector<int>& deps) const {
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

std::string PlanBuilder::Duplicated(const std::string& name,
                                    const std::vector<std::string>& hosts) {
  return fmt::format(
      "domain {} exists on several hosts ({}); reconcile touches none of them: "
      "remove the copies that are not the node",
      name, fmt::join(hosts, ", "));
}

void PlanBuilder::PlanUnreachableHosts() {
  for (const model::HypervisorSpec& host : spec_.Hosts()) {
    auto down = observed_.unreachable_hosts.find(host.name);
    if (down == observed_.unreachable_hosts.end()) continue;
    const size_t n = placement_.unknown.size();
    std::string message =
        fmt::format("host {} unreachable: {} {} unknown", host.name, n, n == 1 ? "node" : "nodes");
    if (n > 0) {
      // Name a few: with thousands unknown the list would drown the message.
      constexpr size_t kNamed = 10;
      const auto& unknown = placement_.unknown;
      message += fmt::format(
          " ({}{})", fmt::join(unknown.begin(), unknown.begin() + std::min(n, kNamed), ", "),
          n > kNamed ? fmt::format(", and {} more", n - kNamed) : "");
    }
    message += fmt::format("; nothing is created in their place: {}", down->second);
    plan_.problems.push_back({.node = "", .message = std::move(message), .host = host.name});
  }
}

void PlanBuilder::PlanMachine(const Node& node) {
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
  const bool running =
      domain->state == DomainState::kRunning || domain->state == DomainState::kPaused;
  // A boot (create, replace, start, restart) needs the node's networks.
  std::vector<int> network_deps;
  const std::optional<std::string> network_block = NetworksFor(node, network_deps);
  const bool changed = domain->hardware_hash != node.hardware_hash;
  const bool boots =
      domain->state != DomainState::kRunning ||
      (changed && (domain->image_hash != node.image_hash || domain->vcpus != node.cpus ||
                   domain->memory_bytes != node.memory_bytes));
  if (network_block && boots) {
    Block(state, node.name, fmt::format("not booted: {}", *network_block));
    return;
  }
  if (domain->hardware_hash != node.hardware_hash) {
    const std::string disks =
        DataDiskProblem(*domain, node, CreateHostPool(node), domain->image_hash != node.image_hash);
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

}  // namespace reconcile::planning
