// The NoCloud seed's `network-config` (cloud-init network config version 2),
// written when a node has more than one NIC or a static address: NICs are
// matched by their deterministic MAC; each is DHCP or its static address,
// gateway and name servers. Without it cloud-init's fallback configures the
// first NIC by DHCP only. Pure.
#pragma once

#include <string>
#include <vector>

#include "model/node.h"

namespace reconcile::drivers::libvirt {

struct SeedNic {
  std::string mac;
  model::NodeNic nic;  // address empty: DHCP
};

// "" when `nics` is the default (none listed): no file is written then.
std::string RenderNetworkConfig(const std::vector<SeedNic>& nics);

}  // namespace reconcile::drivers::libvirt
