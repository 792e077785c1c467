// `reconcile validate SPEC...`: loads each spec and reports the result.
#pragma once

#include <ostream>

#include "cli/options.h"

namespace reconcile::cli {

// Prints "ok: <file>: cluster <name>: N nodes in G groups" to `out` for every valid spec
// and every diagnostic of the invalid ones to `err`. Returns the exit code:
// 0 when all specs are valid, 1 otherwise.
int RunValidate(const ValidateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace reconcile::cli
