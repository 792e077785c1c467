// Clusters of any size for the benchmarks: a spec like specs/lab.yaml (a
// leader whose output every member's templates use) with `nodes` nodes, and
// the observed state of that cluster once converged. Values only, no I/O.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/node.h"
#include "model/observed.h"
#include "model/spec.h"

namespace reconcile::bench {

// YAML of a cluster of 1 leader + (nodes - 1) members on `uri`.
std::string ClusterSpecYaml(int nodes, const std::string& uri = "test:///default");

struct Cluster {
  model::Spec spec;
  std::vector<model::Node> nodes;
};
// Parses and expands ClusterSpecYaml (the loader's full path: YAML, validation,
// expansion and hashing).
absl::StatusOr<Cluster> LoadCluster(int nodes, const std::string& uri = "test:///default");

// What Observe sees when every node runs with the spec's hardware and has
// applied its roles: the plan of it is empty.
model::ObservedState ConvergedState(const std::vector<model::Node>& nodes,
                                    const std::string& cluster);

}  // namespace reconcile::bench
