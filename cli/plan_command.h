#pragma once

#include <ostream>

#include "cli/options.h"

namespace reconcile::cli {

// `reconcile plan`: observe and plan, change nothing. Exit 1 on error or when
// the plan has problems; with --detailed-exitcode 2 when changes are pending.
int RunPlan(const PlanOptions& options, std::ostream& out, std::ostream& err);

}  // namespace reconcile::cli
