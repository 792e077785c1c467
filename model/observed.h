// What one observation pass saw: libvirt domains and SSH probes of nodes.
//
// Produced by the reconciler's Observe step from the drivers, consumed by the
// pure planner. An unreachable node is a fact recorded here (its probe carries
// the error), never a failed observation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"

namespace reconcile::model {

// The state of a domain, as the hypervisor driver maps its own states onto it.
enum class DomainState { kRunning, kPaused, kShutOff, kCrashed, kOther };

// A state's one name: "running", "paused", "shut_off", "crashed" or "other",
// as status --json, the metrics and saved plans carry it. Inline, like
// DomainStateText: the drivers use them and link no model code.
constexpr std::string_view DomainStateName(DomainState state) {
  switch (state) {
    case DomainState::kRunning: return "running";
    case DomainState::kPaused: return "paused";
    case DomainState::kShutOff: return "shut_off";
    case DomainState::kCrashed: return "crashed";
    case DomainState::kOther: return "other";
  }
  return "other";
}

// The name as messages say it: "shut off".
inline std::string DomainStateText(DomainState state) {
  std::string text(DomainStateName(state));
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

// A data disk an owned domain records (its ownership metadata).
struct ObservedDataDisk {
  std::string name;  // the spec name
  std::string pool;
  uint64_t bytes = 0;
  friend bool operator==(const ObservedDataDisk&, const ObservedDataDisk&) = default;
};

// A libvirt domain as its hypervisor reported it.
struct ObservedDomain {
  std::string name;
  // True when the domain carries this project's ownership metadata; the fields
  // below up to `image_hash` come from that metadata and are empty otherwise.
  bool managed = false;
  std::string cluster;
  std::string group;
  int index = 0;
  std::string hardware_hash;
  std::string image_hash;
  DomainState state = DomainState::kOther;
  int vcpus = 0;
  uint64_t memory_bytes = 0;
  // The hypervisor host (spec name) it lives on; empty means the spec's first
  // (for a one-host spec, its only) host.
  std::string host;
  std::vector<ObservedDataDisk> data_disks;  // owned domains only
};

// A libvirt network on a hypervisor host, as listed.
struct ObservedNetwork {
  std::string name;
  std::string host;    // spec name of its host
  bool owned = false;  // created by this cluster (`create_network`)
  bool active = false;
  std::string cidr;    // its first IPv4 subnet; empty when none
  friend bool operator==(const ObservedNetwork&, const ObservedNetwork&) = default;
};

// What one SSH probe of a node returned.
struct NodeProbe {
  absl::Status status;  // OK when the probe ran; otherwise why it could not
  std::string address;
  std::string hostname;
  std::string boot_id;
  // Role name -> hash recorded on the node after that role last applied.
  std::map<std::string, std::string> applied_roles;
  // Role name -> whether every `check` command of the role exited 0. Roles
  // without checks are absent.
  std::map<std::string, bool> checks_pass;
};

struct ObservedState {
  std::vector<ObservedDomain> domains;
  // By node name. Hashed: the planner looks several up per node, and an
  // ordered map of names sharing "<cluster>-<group>-" cost log n memcmps of
  // that prefix each. In no stable order: read it by name, or sort.
  absl::flat_hash_map<std::string, NodeProbe> probes;
  // Hypervisor hosts that could not be listed this pass, with why. Their
  // domains are absent from `domains`: unknown, not missing.
  std::map<std::string, std::string> unreachable_hosts;
  // Every network of every host that was listed, and why a listed host's
  // networks could not be (host -> error).
  std::vector<ObservedNetwork> networks;
  std::map<std::string, std::string> network_errors;
  // Why a node of a group cannot be created on a host now (a missing base
  // image, pool, network or operator key): group -> host -> problem. Absent
  // means every check passed. The planner creates and replaces nothing that
  // is listed here, so nothing is deleted before its replacement can exist.
  std::map<std::string, std::map<std::string, std::string>> create_problems;

  // A scan: for one lookup. Loops over nodes use model::DomainIndex.
  const ObservedDomain* FindDomain(const std::string& name) const;
  const NodeProbe* FindProbe(const std::string& name) const;
};

}  // namespace reconcile::model
