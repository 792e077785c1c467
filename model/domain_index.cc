#include "model/domain_index.h"

namespace reconcile::model {

DomainIndex::DomainIndex(const std::vector<ObservedDomain>& domains) {
  by_name_.reserve(domains.size());
  for (const ObservedDomain& domain : domains) by_name_.emplace(domain.name, &domain);
}

const ObservedDomain* DomainIndex::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

}  // namespace reconcile::model
