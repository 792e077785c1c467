#include "model/observed.h"

#include <algorithm>

namespace reconcile::model {

const ObservedDomain* ObservedState::FindDomain(const std::string& name) const {
  auto it = std::find_if(domains.begin(), domains.end(),
                         [&](const ObservedDomain& d) { return d.name == name; });
  return it == domains.end() ? nullptr : &*it;
}

const NodeProbe* ObservedState::FindProbe(const std::string& name) const {
  auto it = probes.find(name);
  return it == probes.end() ? nullptr : &it->second;
}

}  // namespace reconcile::model
