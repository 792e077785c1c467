#pragma once

#include <ostream>

#include "cli/options.h"

namespace reconcile::cli {

// `reconcile status`: a table of nodes, state, address, roles applied, drift.
// Exit 0 when every node is converged, 2 when some drift, 1 on error.
int RunStatus(const StatusOptions& options, std::ostream& out, std::ostream& err);

}  // namespace reconcile::cli
