// The addresses of a network the cluster creates (`create_network`), derived
// from its subnet alone (pure): the host's side of the bridge is the gateway,
// DHCP serves the upper half, and the lower half (after the gateway) is left
// for static addresses, so a static node never collides with a lease.
//
//   10.78.0.0/24: gateway 10.78.0.1, static 10.78.0.2-10.78.0.127,
//                 DHCP 10.78.0.128-10.78.0.254
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/nic_address.h"

namespace reconcile::model {

struct OwnedNetworkLayout {
  Ipv4Cidr subnet;  // host bits zero
  uint32_t gateway = 0;
  uint32_t static_first = 0, static_last = 0;  // may be empty (first > last) on a /30
  uint32_t dhcp_first = 0, dhcp_last = 0;
};

// The smallest and largest subnets a created network may have: /30 has two
// hosts (the gateway and one lease); /8 is as large as a bridge sensibly gets.
inline constexpr int kOwnedNetworkMinPrefix = 8;
inline constexpr int kOwnedNetworkMaxPrefix = 30;

// The layout of `cidr`; nullopt unless it is "a.b.c.d/p" with p in
// [kOwnedNetworkMinPrefix, kOwnedNetworkMaxPrefix] and no host bits set.
std::optional<OwnedNetworkLayout> LayoutOwnedNetwork(std::string_view cidr);

// What is wrong with `cidr` as a created network's subnet; "" when nothing.
std::string OwnedNetworkCidrProblem(std::string_view cidr);

// Whether two subnets share any address.
bool SubnetsOverlap(const Ipv4Cidr& a, const Ipv4Cidr& b);

}  // namespace reconcile::model
