// The desired cluster as the operator wrote it: plain value types, no I/O.
//
// A Spec is produced by LoadSpec (model/loader.h) and is only ever handed out
// after validation passed, so consumers may rely on every reference resolving
// (group -> image, group -> role, role -> after) and on every name being a DNS
// label. Sizes are bytes, durations are absl::Duration.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace reconcile::model {

// Where something was written, for diagnostics: 1-based line and column.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

// What this cluster may use on one hypervisor host; 0 means no limit.
struct HostCapacity {
  int cpus = 0;
  uint64_t memory_bytes = 0;
  int domains = 0;
  bool limited() const { return cpus > 0 || memory_bytes > 0 || domains > 0; }
  friend bool operator==(const HostCapacity&, const HostCapacity&) = default;
};

// A libvirt network the cluster creates on its host and owns (`create_network`):
// a fresh host needs no virsh step. Its gateway is the subnet's first address;
// DHCP hands out the upper half, so the lower half is free for static addresses
// (model/owned_network.h).
struct OwnedNetworkSpec {
  std::string name;  // a DNS label: the libvirt network's name
  std::string cidr;  // "10.78.0.0/24": the subnet, host bits zero
  bool nat = true;   // `forward: nat` (the host masquerades) or `none` (isolated)
  SourceLocation location;
  friend bool operator==(const OwnedNetworkSpec&, const OwnedNetworkSpec&) = default;
};

// One libvirt host. The single `hypervisor:` block is the host "default".
struct HypervisorSpec {
  std::string name = "default";        // a DNS label; names the host in plans
  std::string uri = "qemu:///system";  // any libvirt URI; test:///default for dry runs
  std::string network = "default";     // libvirt network the first NIC joins
  std::string pool = "default";        // storage pool for overlays and seeds
  // Domain type: "auto" (kvm when the host offers it, else qemu), "kvm", or
  // "qemu" (TCG: software emulation; for hosts whose /dev/kvm does not work).
  std::string domain_type = "auto";
  // Guest CPU: "auto" (host-passthrough under kvm, the qemu64 model under TCG),
  // "host-passthrough", "host-model", or a named CPU model ("Skylake-Server").
  std::string cpu = "auto";
  HostCapacity capacity;               // `hypervisors:` entries only
  std::vector<OwnedNetworkSpec> create_networks;  // created before any node needs them
  SourceLocation location;
  // The `create_network` entry of that name; nullptr when the host has none.
  const OwnedNetworkSpec* FindCreatedNetwork(std::string_view network) const;
};

struct SshSpec {
  std::string user = "root";
  std::string identity;  // private key file; empty: ssh-agent / default keys
  int port = 22;
  absl::Duration connect_timeout = absl::Seconds(10);
  std::string known_hosts;  // OpenSSH known_hosts file for machines we did not seed
  // Accepts ANY host key, on every connection, from a machine with no key
  // recorded for it (nothing is remembered: this is not trust on first use).
  // Seeded nodes are always verified against their generated key.
  bool accept_unknown_host_keys = false;
  std::string jump_host;  // optional [user@]host[:port] to dial through
  // Network namespace (under /run/netns) to dial from, for nodes whose network
  // exists only inside one (the lab's isolated libvirt network).
  std::string netns;
  // Run steps, file writes and reads as root through passwordless `sudo -n`:
  // stock cloud images let the operator in as a default user, never as root.
  bool become = false;
  // Where on each node reconcile records what it applied (roles/<role>.hash
  // and .files); must be writable by `user`.
  std::string state_dir = "/var/lib/reconcile";
};

// A bootable image. Exactly one of `disk` (a base image on the hypervisor host
// nodes get copy-on-write overlays of), `source` (a base image file beside
// reconcile, uploaded into each host's pool once) and `kernel` (direct kernel
// boot) is set.
struct ImageSpec {
  std::string name;
  std::string disk;
  std::string source;
  std::string kernel;
  std::string initrd;
  std::string cmdline;
  bool seed = true;  // attach a NoCloud first-boot seed carrying identity only
  SourceLocation location;
};

// An extra, empty disk of every node of a group (`disks:`), attached after the
// root disk and the seed. The guest finds it at /dev/disk/by-id/virtio-<name>.
struct DataDiskSpec {
  std::string name;  // a DNS label of at most 20 characters: the disk's virtio serial
  uint64_t size_bytes = 0;  // a whole number of MiB
  std::string pool;  // empty: the pool of the host the node lives on
  // Kept across a replace of the node (its successor re-attaches the same
  // volume); deleted with the node when it leaves the spec either way.
  bool keep = false;
  friend bool operator==(const DataDiskSpec&, const DataDiskSpec&) = default;
};

// A file placed on a node before a step's command runs.
struct FileSpec {
  std::string path;     // absolute path on the node
  std::string content;  // template, rendered per node
  uint32_t mode = 0644;
  std::string owner;  // optional user[:group]
};

// A NixOS step: the role's module is placed at /etc/nixos/reconcile/<role>.nix,
// the node's configuration imports ./reconcile, then `nixos-rebuild <rebuild>`.
struct NixosSpec {
  enum class Rebuild { kSwitch, kTest };
  std::string module_path;  // as written, relative to the spec's directory
  std::string module;       // the file's content, read at load time; a template
  Rebuild rebuild = Rebuild::kSwitch;
};

// A step is one of: a command (`run`, optionally with files placed first),
// files only, or a NixOS module (`nixos`, optionally with files).
struct StepSpec {
  std::string name;
  std::string run;    // template; shell command run on the node (empty: none)
  std::string check;  // optional template; exit 0 means "already applied"
  std::vector<FileSpec> files;
  std::optional<NixosSpec> nixos;
  SourceLocation location;
};

// A value captured on the role's first node after its steps succeed, available
// to dependants as {{ role.<role>.outputs.<name> }}.
struct OutputSpec {
  std::string name;
  std::string command;
  bool secret = false;  // never printed in plans, logs or JSON
};

// Alike in shape to StepSpec only as plain value types are; nothing to share.
struct RoleSpec {
  std::string name;
  std::vector<std::string> after;  // roles that must be converged first
  std::vector<StepSpec> steps;
  std::vector<OutputSpec> outputs;
  SourceLocation location;
};

struct Variable {
  std::string name;
  std::string value;
  bool secret = false;
  // `secret: {file: PATH}` / `secret: {env: NAME}`: where the loader read the
  // value from, so a committed spec holds no secret (one is set at most).
  std::string secret_file;
  std::string secret_env;
};

// One network interface of a created node. The first NIC of a node is the
// one reconcile reaches it through.
struct NicSpec {
  std::string network;  // a libvirt network, or
  std::string bridge;   // a bridge on the hypervisor host (exactly one is set)
  // A static IPv4 address (see model/nic_address.h): `address` is a per-node
  // template such as "10.0.0.{{ 10 + self.index }}/24"; `range` a span
  // "10.0.0.10-10.0.0.60/24" handed out in index order. Neither: DHCP.
  std::string address;
  std::string range;
  std::string gateway;           // optional; only with a static address
  std::vector<std::string> dns;  // name servers; only with a static address
  SourceLocation location;       // of the entry, for errors found at expansion
};

struct GroupSpec {
  std::string name;
  int count = 1;
  std::string image;
  int cpus = 1;
  uint64_t memory_bytes = uint64_t{1} << 30;
  uint64_t disk_bytes = 0;  // 0: the base image's own size
  // Empty: one NIC on the hypervisor's `network`, addressed by DHCP.
  std::vector<NicSpec> networks;
  std::string firmware = "bios";  // "bios" or "uefi" (OVMF, with NVRAM per node)
  std::string arch = "x86_64";    // guest architecture; the host must offer it
  bool autostart = false;         // libvirt starts the domain when its host boots
  std::vector<std::string> roles;
  // Existing machines (addresses or host names) configured but never created,
  // stopped or deleted. When set, `count` is the number of hosts and `image`,
  // `cpus`, `memory` and `disk` do not apply.
  std::vector<std::string> hosts;
  std::vector<Variable> vars;  // per-group overrides of the spec's vars
  int max_unavailable = 1;     // rolling replacement budget
  // `placement: { hosts: [...] }`: the hypervisors this group's nodes may be
  // created on; empty means any.
  std::vector<std::string> placement_hosts;
  std::vector<DataDiskSpec> disks;  // extra data disks of each node, in spec order
  SourceLocation location;
};

struct PolicySpec {
  bool prune = false;  // delete owned domains that left the spec
  int parallel = 8;    // actions in flight at once
  // Probes in flight at once: a probe is one channel on a pooled session and
  // mostly waits on the network, so it gets a bound of its own, not the
  // actions' (with 8 a 200-node pass ran 25 rounds of round trips).
  int probe_parallel = 64;
  int retries = 3;     // per action, for retryable errors only
  absl::Duration interval = absl::Minutes(5);  // drift check period in watch mode
};

struct Spec {
  std::string source_path;  // the file it was loaded from
  std::string cluster;
  HypervisorSpec hypervisor;  // the single-host form (`hypervisor:`)
  // The several-host form (`hypervisors:`); empty when the spec uses the
  // single `hypervisor:` block. Use Hosts() to read either.
  std::vector<HypervisorSpec> hypervisors;
  SshSpec ssh;
  std::vector<ImageSpec> images;
  std::vector<GroupSpec> groups;
  std::vector<RoleSpec> roles;
  std::vector<Variable> vars;
  PolicySpec policy;

  const ImageSpec* FindImage(std::string_view name) const;
  const GroupSpec* FindGroup(std::string_view name) const;
  const RoleSpec* FindRole(std::string_view name) const;
  // Every hypervisor host in spec order: `hypervisors`, or else the single
  // `hypervisor` block (the host named "default").
  std::span<const HypervisorSpec> Hosts() const;
  const HypervisorSpec* FindHost(std::string_view name) const;
  // The hosts `group` may place new nodes on, in spec order.
  std::vector<const HypervisorSpec*> HostsFor(const GroupSpec& group) const;
};

}  // namespace reconcile::model
