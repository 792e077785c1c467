// Deterministic MAC addresses: the same node of the same cluster always gets
// the same address, so a recreated node keeps its DHCP identity and a plan can
// predict it. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace reconcile::drivers::libvirt {

// "52:54:00:xx:xx:xx" (QEMU's locally administered prefix); the last three
// bytes are the top of a 64-bit FNV-1a hash of cluster, NUL, node name.
std::string DeterministicMac(std::string_view cluster, std::string_view node_name);

// The MAC of the node's NIC number `nic` (0-based): NIC 0 has
// DeterministicMac, so nodes keep theirs when a second NIC is added; later
// ones hash the NIC number in too.
std::string NicMac(std::string_view cluster, std::string_view node_name, size_t nic);

}  // namespace reconcile::drivers::libvirt
