// The NoCloud first-boot seed: an ISO 9660 volume labelled "cidata" holding
// `meta-data` and `user-data` (cloud-config), and `network-config` when the
// node has several NICs or static addresses. It carries identity only:
// hostname, the operator's authorized key, the node's SSH host key pair and
// its addresses.
// Everything else is pushed over SSH later. Pure.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "drivers/host_key.h"

namespace reconcile::drivers::libvirt {

struct SeedIdentity {
  std::string instance_id;     // changes when the node is recreated
  std::string hostname;        // a DNS label
  std::string authorized_key;  // one OpenSSH public key line
  HostKey host_key;            // ed25519; the private half is secret
  // cloud-init network config v2 (drivers/libvirt/network_config.h); empty:
  // no `network-config` file, cloud-init's DHCP fallback.
  std::string network_config;
};

// "instance-id: ...\nlocal-hostname: ...\n"
std::string RenderMetaData(const SeedIdentity& identity);

// "#cloud-config\n" with hostname, ssh_authorized_keys, ssh_keys
// (ed25519_private as a literal block, ed25519_public) and ssh_deletekeys.
std::string RenderUserData(const SeedIdentity& identity);

// The ISO image. kInvalidArgument when the hostname is not a DNS label or the
// authorized key is not a single "type base64 [comment]" line.
absl::StatusOr<std::string> BuildNoCloudSeed(const SeedIdentity& identity);

}  // namespace reconcile::drivers::libvirt
