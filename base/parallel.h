// Bounded parallelism: the one fan-out used across the project (probing nodes,
// running actions' sub-steps) so no caller starts a thread per node.
#pragma once

#include <cstddef>
#include <functional>

namespace reconcile {

// Calls fn(i) for every i in [0, n), at most `parallelism` at once (at least
// one), each on a worker thread; returns when all calls have returned. fn must
// not throw.
void ForEachBounded(size_t n, size_t parallelism, const std::function<void(size_t)>& fn);

}  // namespace reconcile
