#pragma once

#include <ostream>

#include "cli/options.h"

namespace reconcile::cli {

// `reconcile destroy`: deletes every domain the cluster owns, with the volumes
// it created for them, and nothing else: unmanaged domains, other clusters'
// domains, shared base-image volumes and existing machines (`hosts:`) are
// left alone. Asks on a terminal; without one, refuses unless --yes.
int RunDestroy(const DestroyOptions& options, std::ostream& out, std::ostream& err);

}  // namespace reconcile::cli
