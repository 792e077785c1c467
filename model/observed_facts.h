// The observed state as a sorted list of one-line facts, the same for the same
// world: what a saved plan (`plan --out`) records, so `apply PLAN` can tell
// whether the world it was planned against is still the one it acts on, and
// say what changed. Messages of failed probes are left out (they carry
// timings); their status code is in.
#pragma once

#include <string>
#include <vector>

#include "model/observed.h"

namespace reconcile::model {

std::vector<std::string> ObservedFacts(const ObservedState& observed);

}  // namespace reconcile::model
