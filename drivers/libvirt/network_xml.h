// The libvirt networks a cluster creates (`create_network`), pure parts:
// the UUID that marks a network as the cluster's, its XML, and reading back
// the subnet of any network.
//
// Ownership: libvirt 9.0 (Debian 12) keeps no metadata on networks, so the
// mark is the UUID itself, derived from the cluster's and the network's
// names. A network someone else defined has a random UUID and is never
// touched; the mark survives daemon restarts and needs no state file.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "model/spec.h"

namespace reconcile::drivers::libvirt {

// "xxxxxxxx-xxxx-8xxx-xxxx-xxxxxxxxxxxx": SHA-256 of both names, shaped as
// an RFC 9562 version 8 (application-defined) UUID.
std::string OwnedNetworkUuid(std::string_view cluster, std::string_view network);

// The network's definition: NAT or no <forward> (isolated), the gateway as
// the host's address on its bridge, DHCP over the layout's upper half
// (model/owned_network.h). `network.cidr` must be valid (the spec checked it).
std::string RenderOwnedNetworkXml(const model::OwnedNetworkSpec& network, std::string_view uuid);

// The first IPv4 subnet of a network's XML as "a.b.c.d/p" (from prefix= or
// netmask=), "" when it has none.
absl::StatusOr<std::string> NetworkSubnetOf(std::string_view network_xml);

}  // namespace reconcile::drivers::libvirt
