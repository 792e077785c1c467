#pragma once

#include <ostream>

#include "cli/options.h"

namespace reconcile::cli {

// `reconcile apply`: takes the cluster lock, then observe -> plan -> execute
// until converged; shows each plan, asks before deletes and replaces on a
// terminal, shows each action's outcome with elapsed time, and a final
// report. Exit 0 only when the cluster converged, 130 when interrupted.
int RunApply(const ApplyOptions& options, std::ostream& out, std::ostream& err);

}  // namespace reconcile::cli
