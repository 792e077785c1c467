#pragma once

#include <ostream>

#include "cli/options.h"

namespace reconcile::cli {

// `reconcile graph`: observe and plan like `plan`, then print the plan's
// action DAG as Graphviz DOT (`reconcile graph spec.yaml | dot -Tsvg`).
// with its problems, deferred changes and orphans beside it. Changes
// nothing. Exit 1 on error or when the plan has problems (as `plan`).
int RunGraph(const GraphOptions& options, std::ostream& out, std::ostream& err);

}  // namespace reconcile::cli
