// Expanded nodes for planner and loop tests, built by hand so those tests do
// not depend on the loader: `lab-<group>-<index>` with fixed hashes that tests
// change to simulate drift.
#pragma once

#include <string>
#include <vector>

#include "model/node.h"

namespace reconcile::testing {

inline model::Node TestNode(const std::string& group, int index, std::vector<std::string> roles) {
  model::Node node;
  node.name = "lab-" + group + "-" + std::to_string(index);
  node.group = group;
  node.index = index;
  node.cpus = 1;
  node.memory_bytes = 512ull << 20;
  node.hardware_hash = "hw1";
  node.image_hash = "img1";
  for (const std::string& role : roles) node.role_hashes[role] = role + "-h1";
  node.roles = std::move(roles);
  return node;
}

}  // namespace reconcile::testing
