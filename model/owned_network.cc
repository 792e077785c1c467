#include "model/owned_network.h"

#include "fmt/format.h"

namespace reconcile::model {
std::optional<OwnedNetworkLayout> LayoutOwnedNetwork(std::string_view cidr) {
  std::optional<Ipv4Cidr> subnet = ParseIpv4Cidr(cidr);
  if (!subnet || subnet->prefix < kOwnedNetworkMinPrefix || subnet->prefix > kOwnedNetworkMaxPrefix ||
      (subnet->address & ~Ipv4Mask(subnet->prefix)) != 0) {
    return std::nullopt;
  }
  const uint32_t size = uint32_t{1} << (32 - subnet->prefix);
  const uint32_t base = subnet->address;
  OwnedNetworkLayout layout{.subnet = *subnet, .gateway = base + 1};
  layout.dhcp_last = base + size - 2;  // the last address is the broadcast
  // A /30 has room for the gateway and one lease only.
  layout.dhcp_first = size >= 8 ? base + size / 2 : base + 2;
  layout.static_first = base + 2;
  layout.static_last = layout.dhcp_first - 1;
  return layout;
}

std::string OwnedNetworkCidrProblem(std::string_view cidr) {
  std::optional<Ipv4Cidr> subnet = ParseIpv4Cidr(cidr);
  if (!subnet) return fmt::format("'cidr' must be an IPv4 subnet such as 10.78.0.0/24, got '{}'",
                                  cidr.substr(0, 40));
  if (subnet->prefix < kOwnedNetworkMinPrefix || subnet->prefix > kOwnedNetworkMaxPrefix) {
    return fmt::format("'cidr' {} has prefix /{}; a created network's prefix must be /{} to /{}",
                       cidr, subnet->prefix, kOwnedNetworkMinPrefix, kOwnedNetworkMaxPrefix);
  }
  if ((subnet->address & ~Ipv4Mask(subnet->prefix)) != 0) {
    return fmt::format("'cidr' {} has host bits set; the subnet is {}/{}", cidr,
                       FormatIpv4(subnet->address & Ipv4Mask(subnet->prefix)), subnet->prefix);
  }
  return "";
}

bool SubnetsOverlap(const Ipv4Cidr& a, const Ipv4Cidr& b) {
  const uint32_t mask = Ipv4Mask(std::min(a.prefix, b.prefix));
  return (a.address & mask) == (b.address & mask);
}

}  // namespace reconcile::model
