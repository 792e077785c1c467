// Placement: which hypervisor host each node of the spec lives on. Pure: the
// same spec, nodes and observation always give the same answer.
//
// Rules (docs/libvirt.md, "Several hosts"):
// - a node whose domain exists stays on the host it is on;
// - while any host cannot be listed, a node not seen anywhere is unknown (it
//   may live on that host): it is neither created elsewhere nor placed;
// - a new node goes to a host its group may use that has room for it (cpus,
//   memory, domain count, counting this cluster's domains there), choosing the
//   one with the fewest members of its group, then the most free capacity
//   (the smallest free share of any limited resource; unlimited counts as all
//   free), then the earliest in the spec;
// - a node that fits nowhere is reported with each host's limiting resource;
// - a domain of this cluster found on two hosts is reported, not placed.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "model/node.h"
#include "model/observed.h"
#include "model/spec.h"

namespace reconcile {

// The maps are hashed, not ordered: they are looked up once or more per node
// and an ordered map of names sharing a long prefix ("<cluster>-<group>-")
// made the planner superlinear. Nothing reads them in key order.
struct Placement {
  // Node name -> host name, for every node that exists or was placed now.
  absl::flat_hash_map<std::string, std::string> host_of;
  // Node name -> why no host could take it.
  absl::flat_hash_map<std::string, std::string> unplaced;
  // Nodes not seen on any reachable host while some host is unreachable.
  std::vector<std::string> unknown;
  // Domain name -> the hosts it was seen on, for this cluster's domains found
  // on more than one host (in host order). Never acted on: which copy is the
  // node is for the operator to say.
  absl::flat_hash_map<std::string, std::vector<std::string>> duplicated;
};

// The host an observed domain lives on (an empty host means the first one).
std::string HostOf(const model::Spec& spec, const model::ObservedDomain& domain);

Placement PlaceNodes(const model::Spec& spec, const std::vector<model::Node>& nodes,
                     const model::ObservedState& observed);

}  // namespace reconcile
