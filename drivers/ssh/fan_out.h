// Bounded parallelism across nodes.
#pragma once

#include <cstddef>
#include <functional>

namespace reconcile::drivers::ssh {

// Calls fn(i) for every i in [0, n), at most `parallelism` at once (at least
// one), each on a worker thread; returns when all calls have returned. fn must
// not throw.
void ForEachBounded(size_t n, size_t parallelism, const std::function<void(size_t)>& fn);

}  // namespace reconcile::drivers::ssh
