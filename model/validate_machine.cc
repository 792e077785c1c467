// Static addresses across the cluster: every node of a group gets one (the
// range is long enough, the template yields valid addresses), no two nodes
// share one, and one on a network the cluster creates lies in the part of
// its subnet that DHCP leaves free.
#include <map>

#include "fmt/format.h"
#include "model/nic_address.h"
#include "model/owned_network.h"
#include "model/validate.h"

namespace reconcile::model {
namespace {

const OwnedNetworkSpec* FindCreatedNetwork(const Spec& spec, const std::string& name) {
  for (const HypervisorSpec& host : spec.Hosts()) {
    if (const OwnedNetworkSpec* network = host.FindCreatedNetwork(name)) return network;
  }
  return nullptr;
}

// Why `address` ("a.b.c.d/p") cannot be a static address on `network`; "".
std::string CreatedNetworkProblem(const OwnedNetworkSpec& network, const std::string& address,
                                  const std::string& node) {
  std::optional<OwnedNetworkLayout> layout = LayoutOwnedNetwork(network.cidr);
  std::optional<Ipv4Cidr> ip = ParseIpv4Cidr(address);
  if (!layout || !ip) return "";  // reported where they were written
  if (ip->prefix != layout->subnet.prefix || !layout->subnet.Contains(ip->address)) {
    return fmt::format("address {} of node {} is not in network '{}' ({})", address, node,
                       network.name, network.cidr);
  }
  if (ip->address >= layout->static_first && ip->address <= layout->static_last) return "";
  const std::string free = layout->static_first <= layout->static_last
                               ? fmt::format("{}-{}", FormatIpv4(layout->static_first),
                                             FormatIpv4(layout->static_last))
                               : std::string("none: the subnet is too small");
  return fmt::format("address {} of node {} is {} of network '{}'; its static addresses are {}",
                     address, node,
                     ip->address == layout->gateway ? "the gateway" : "in the DHCP range", network.name,
                     free);
}

}  // namespace

void ValidateMachines(const Spec& spec, Diagnostics& diagnostics) {
  std::map<std::string, std::string> holder;  // address (no prefix) -> node
  for (const GroupSpec& group : spec.groups) {
    if (!group.hosts.empty()) continue;
    const ImageSpec* image = spec.FindImage(group.image);
    for (const NicSpec& nic : group.networks) {
      // Without a static address, or already reported by the decoder.
      if ((nic.address.empty() && nic.range.empty()) || !NicProblem(nic).empty()) continue;
      if (image != nullptr && !image->seed) {
        diagnostics.Add(nic.location,
                        fmt::format("group '{}': a static address reaches the node through its "
                                    "first-boot seed, and image '{}' has 'seed: false'",
                                    group.name, image->name));
        continue;
      }
      const OwnedNetworkSpec* created = nic.network.empty() ? nullptr : FindCreatedNetwork(spec, nic.network);
      for (int index = 1; index <= group.count; ++index) {
        absl::StatusOr<std::string> address = StaticAddressFor(nic, index);
        if (!address.ok()) {
          diagnostics.Add(nic.location, fmt::format("group '{}': {}", group.name,
                                                    std::string(address.status().message())));
          break;
        }
        const std::string node = fmt::format("{}-{}-{}", spec.cluster, group.name, index);
        if (created != nullptr) {
          if (std::string problem = CreatedNetworkProblem(*created, *address, node); !problem.empty()) {
            diagnostics.Add(nic.location, problem);
            break;
          }
        }
        const std::string ip = address->substr(0, address->find('/'));
        auto [it, inserted] = holder.emplace(ip, node);
        if (!inserted) {
          diagnostics.Add(nic.location, fmt::format("address {} of node {} is also given to {}",
                                                    ip, node, it->second));
          break;
        }
      }
    }
  }
}

}  // namespace reconcile::model
