#pragma once

#include <ostream>

#include "cli/options.h"

namespace reconcile::cli {

// `reconcile watch` (and `reconcile --watch`): takes the cluster lock, then
// converges and keeps converging until SIGINT/SIGTERM, logging one line per
// pass to `log`. Exit 0 on a clean stop.
int RunWatch(const WatchCommandOptions& options, std::ostream& log);

}  // namespace reconcile::cli
