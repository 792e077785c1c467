// `--target`: the part of a plan that concerns some nodes, and what those
// actions depend on (a member's configure needs its leader's: both stay).
#pragma once

#include <set>
#include <string>

#include "model/plan.h"

namespace reconcile::model {

// The actions on `nodes` plus every action they depend on, transitively, in
// their original order, renumbered; problems, orphans and deferred changes
// of those nodes, and problems of whole hosts (they may explain a missing
// action).
Plan RestrictPlan(const Plan& plan, const std::set<std::string>& nodes);

}  // namespace reconcile::model
