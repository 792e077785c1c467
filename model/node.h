// A concrete node: one member of a group after expansion (model/expand.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/spec.h"

namespace reconcile::model {

// A NIC as created for one node: a NicSpec with its static address resolved.
struct NodeNic {
  std::string network;  // libvirt network, or
  std::string bridge;   // host bridge
  std::string address;  // "10.0.0.11/24"; empty: DHCP
  std::string gateway;
  std::vector<std::string> dns;
  friend bool operator==(const NodeNic&, const NodeNic&) = default;
};

struct Node {
  std::string name;   // <cluster>-<group>-<index>, a DNS label
  std::string group;
  int index = 1;      // 1-based position in the group
  bool existing = false;  // an existing machine from `hosts:`; never created or deleted
  std::string address;    // existing machines only: where to dial
  ImageSpec image;        // copy of the group's image (unset for existing machines)
  int cpus = 1;
  uint64_t memory_bytes = 0;
  uint64_t disk_bytes = 0;
  // Empty: one NIC on the hypervisor's network with DHCP (the default).
  std::vector<NodeNic> nics;
  std::string firmware = "bios";
  std::string arch = "x86_64";
  bool autostart = false;
  std::vector<std::string> roles;  // in dependency order
  // Stable hex digest of everything that defines the machine (image, cpus,
  // memory, disk). Recorded in the domain's metadata; a change is drift.
  std::string hardware_hash;
  // Stable hex digest of what the node boots from and is born with: the image,
  // and, when not the defaults, firmware, arch and NICs with their addresses
  // (they reach the guest through the first-boot seed). When it changes the
  // node is replaced rather than updated in place.
  std::string image_hash;
  // Whether any of those boot settings differ from the defaults (then a
  // changed image_hash may be them, not the image).
  bool custom_boot() const { return !nics.empty() || firmware != "bios" || arch != "x86_64"; }
  // Per role (by role name): stable hex digest of the role as rendered for this
  // node with static values only; recorded on the node after a successful apply.
  std::map<std::string, std::string> role_hashes;
  // The group's data disks, in spec order (part of hardware_hash).
  std::vector<DataDiskSpec> data_disks;
};

}  // namespace reconcile::model
