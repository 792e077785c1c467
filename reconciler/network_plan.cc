#include "reconciler/network_plan.h"

#include <optional>

#include "fmt/format.h"
#include "model/nic_address.h"
#include "model/owned_network.h"

namespace reconcile {
namespace {

// The host an observation belongs to: empty is the spec's first host.
std::string HostOf(const model::Spec& spec, const model::ObservedNetwork& network) {
  return network.host.empty() ? spec.Hosts().front().name : network.host;
}

// The host's other network whose subnet overlaps `cidr`, if any.
const model::ObservedNetwork* Overlapping(const std::vector<const model::ObservedNetwork*>& on_host,
                                          const model::OwnedNetworkSpec& wanted) {
  std::optional<model::Ipv4Cidr> subnet = model::ParseIpv4Cidr(wanted.cidr);
  if (!subnet) return nullptr;
  for (const model::ObservedNetwork* other : on_host) {
    if (other->name == wanted.name) continue;
    std::optional<model::Ipv4Cidr> theirs = model::ParseIpv4Cidr(other->cidr);
    if (theirs && model::SubnetsOverlap(*subnet, *theirs)) return other;
  }
  return nullptr;
}

// Whether a node of the spec joins `network` on some host (the first NIC of
// a node without `networks` joins its host's `network`). By the nodes, not
// the groups: `destroy` keeps the groups and drops every node.
bool JoinedByANode(const std::vector<model::Node>& nodes, const model::HypervisorSpec& host,
                   const std::string& network) {
  for (const model::Node& node : nodes) {
    if (node.existing) continue;
    if (node.nics.empty() && host.network == network) return true;
    for (const model::NodeNic& nic : node.nics) {
      if (nic.network == network) return true;
    }
  }
  return false;
}

}  // namespace

NetworkPlan PlanNetworks(const model::Spec& spec, const std::vector<model::Node>& nodes,
                         const model::ObservedState& observed) {
  NetworkPlan plan;
  const bool several = spec.Hosts().size() > 1;
  for (const model::HypervisorSpec& host : spec.Hosts()) {
    if (observed.unreachable_hosts.count(host.name) != 0) {
      for (const model::OwnedNetworkSpec& wanted : host.create_networks) {
        plan.unusable.emplace(host.name, wanted.name);  // the host's problem says why
      }
      continue;
    }
    const std::string where = several ? fmt::format(" on host {}", host.name) : "";
    if (auto error = observed.network_errors.find(host.name); error != observed.network_errors.end()) {
      if (!host.create_networks.empty()) {
        plan.problems.push_back({.node = "",
                                 .message = fmt::format("networks{} could not be listed, so none "
                                                        "is created: {}",
                                                        where, error->second),
                                 .host = host.name});
        for (const model::OwnedNetworkSpec& wanted : host.create_networks) {
          plan.unusable.emplace(host.name, wanted.name);
        }
      }
      continue;
    }
    std::vector<const model::ObservedNetwork*> on_host;
    for (const model::ObservedNetwork& network : observed.networks) {
      if (HostOf(spec, network) == host.name) on_host.push_back(&network);
    }
    for (const model::OwnedNetworkSpec& wanted : host.create_networks) {
      const model::ObservedNetwork* found = nullptr;
      for (const model::ObservedNetwork* network : on_host) {
        if (network->name == wanted.name) found = network;
      }
      auto refuse = [&](std::string message) {
        plan.problems.push_back({.node = "", .message = std::move(message), .host = host.name});
        plan.unusable.emplace(host.name, wanted.name);
      };
      const std::string kind = wanted.nat ? "NAT" : "isolated";
      if (found == nullptr) {
        if (const model::ObservedNetwork* other = Overlapping(on_host, wanted)) {
          refuse(fmt::format("network {} ({}) is not created{}: its subnet overlaps network {} "
                             "({}); choose another cidr",
                             wanted.name, wanted.cidr, where, other->name, other->cidr));
          continue;
        }
        plan.creates.push_back({host.name, wanted.name,
                                fmt::format("{} network {} the cluster owns", kind, wanted.cidr)});
      } else if (!found->owned) {
        refuse(fmt::format("network {}{} exists and was not created by cluster {}; it is never "
                           "touched: name another network in create_network, or drop it from "
                           "create_network to use it as it is",
                           wanted.name, where, spec.cluster));
      } else if (found->cidr != wanted.cidr) {
        refuse(fmt::format("network {}{} was created with subnet {} and the spec asks for {}; a "
                           "network's subnet is not changed under its nodes: give it a new name",
                           wanted.name, where, found->cidr.empty() ? "(none)" : found->cidr,
                           wanted.cidr));
      } else if (!found->active) {
        plan.creates.push_back({host.name, wanted.name, "owned network is not active: start it"});
      }
    }
    for (const model::ObservedNetwork* network : on_host) {
      if (!network->owned || host.FindCreatedNetwork(network->name) != nullptr) continue;
      // Dropped from create_network but still named by the spec: the spec now
      // uses it as an existing network; it is neither deleted nor an orphan.
      if (JoinedByANode(nodes, host, network->name)) continue;
      if (spec.policy.prune) {
        plan.deletes.push_back({host.name, network->name, "owned network no longer in the spec"});
      } else {
        plan.orphans.push_back(network->name + where);
      }
    }
  }
  return plan;
}

}  // namespace reconcile
