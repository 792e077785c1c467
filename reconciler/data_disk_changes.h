// What the planner makes of a change to an existing node's data disks: the
// driver changes none in place (drivers/hypervisor.h, UpdateNode), so any
// change is a plan problem that says so, never an update that fails at apply
// or is silently ignored; and a disk that holds data is never removed or
// shrunk (nor moved), whatever else the node's change is.
#pragma once

#include <string>

#include "model/node.h"
#include "model/observed.h"

namespace reconcile {

// Empty when `node`'s data disks are the ones `domain` records; else why the
// node is left as it is. `host_pool` is the pool of the node's host, where
// disks without a pool of their own live. When `replacing` (the image
// changed), a disk added or grown is no problem: the successor is created
// with it (a kept disk grown as it is re-attached).
std::string DataDiskProblem(const model::ObservedDomain& domain, const model::Node& node,
                            const std::string& host_pool, bool replacing);

}  // namespace reconcile
