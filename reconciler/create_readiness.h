// Whether nodes could be created now: part of observing the world, so that a
// plan is never green where apply would then fail for a reason that can be
// checked (a mistyped image path, a missing pool or network, no operator key),
// and a replace never deletes a node whose successor cannot be made.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "drivers/hypervisor.h"
#include "model/node.h"
#include "model/observed.h"
#include "model/spec.h"

namespace reconcile {

// The operator's public key seeded into new nodes, or why there is none.
struct OperatorKey {
  std::string line;     // "ssh-ed25519 AAAA... user@host"
  std::string problem;  // when `line` is empty: why (the path that was read)
};

// The request that creates `node` on `host` (a spec host).
drivers::NodeRequest CreateRequest(const model::Spec& spec, const model::Node& node,
                                   const model::HypervisorSpec& host,
                                   const std::string& authorized_key);

// The operator key problem for `node`, if its image needs a seed and no key
// could be read; else empty.
std::string KeyProblem(const model::Node& node, const OperatorKey& key);

// For each group with a node to create or replace (as `observed` shows:
// missing, or owned with another image) and each reachable host it may be
// placed on: why a node of it cannot be created there (group -> host ->
// problem), from Hypervisor::CheckCreate on the group's first node. Hosts in
// `observed.unreachable_hosts` are skipped: their state is unknown, not broken.
std::map<std::string, std::map<std::string, std::string>> CheckCreateReadiness(
    const model::Spec& spec, const std::vector<model::Node>& nodes,
    drivers::Hypervisor& hypervisor, const OperatorKey& key,
    const model::ObservedState& observed);

}  // namespace reconcile
