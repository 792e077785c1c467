// Plan: the pure heart of the reconciler. No I/O, no clock: the same desired
// and observed values always give the same Plan.
//
// Rules (docs/architecture.md explains them for operators):
// - a node with no domain is created; a shut-off, crashed or paused one started;
// - a hardware hash that differs is an in-place update (restart when running),
//   or a replacement when the image itself changed; replacements and restarts
//   roll through a group at most `max_unavailable` at a time;
// - a role is configured when the node is new, could not be probed, never
//   applied it, applied another hash, or one of its checks fails; a role's
//   configure waits for every configure of the roles it comes `after`, and roles
//   on one node run one at a time in dependency order;
// - an owned domain of this cluster that left the spec is deleted when
//   `policy.prune` is on, otherwise listed as an orphan;
// - a domain holding a node's name that this cluster does not own is a problem
//   in the plan and is never touched; nor is that node configured.
#pragma once

#include <vector>

#include "model/node.h"
#include "model/observed.h"
#include "model/plan.h"
#include "model/spec.h"

namespace reconcile {

// `nodes` is the spec's expansion (model/expand.h), in spec order.
model::Plan ComputePlan(const model::Spec& spec, const std::vector<model::Node>& nodes,
                        const model::ObservedState& observed);

}  // namespace reconcile
