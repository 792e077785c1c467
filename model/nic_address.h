// Static IPv4 addresses of NICs (pure): a group's `address` template or
// `range`, resolved for the node at a given index.
//
//   address: "10.0.0.{{ 10 + self.index }}/24"   node 1 gets 10.0.0.11/24
//   range:   "10.0.0.10-10.0.0.60/24"            node 1 gets 10.0.0.10/24
//
// An address template may use `{{ self.index }}` and integer `+` only: the
// address must be known when the node is planned, before it exists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "model/spec.h"

namespace reconcile::model {

std::optional<uint32_t> ParseIpv4(std::string_view text);
std::string FormatIpv4(uint32_t address);

// The netmask of a prefix length (0..32): 24 -> 255.255.255.0.
uint32_t Ipv4Mask(int prefix);

// "a.b.c.d/p" split; nullopt unless both parts are valid (p in 1..32).
struct Ipv4Cidr {
  uint32_t address = 0;
  int prefix = 0;
  bool Contains(uint32_t other) const;
};
std::optional<Ipv4Cidr> ParseIpv4Cidr(std::string_view text);

// The NIC's address for node `index` (1-based) as "a.b.c.d/p"; "" for DHCP.
// kInvalidArgument says what is wrong (a bad template, a range too short).
absl::StatusOr<std::string> StaticAddressFor(const NicSpec& nic, int index);

// The problem with `nic` on its own (syntax, gateway outside the subnet),
// checked for node 1; "" when there is none.
std::string NicProblem(const NicSpec& nic);

}  // namespace reconcile::model
