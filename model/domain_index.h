// Observed domains by name, for code that looks up every node's domain:
// ObservedState::FindDomain is a scan, so once per node it is quadratic (a
// 10,000-node plan spent ~70% of its time there; Observe, the watch metrics
// and status did the same).
#pragma once

#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "model/observed.h"

namespace reconcile::model {

class DomainIndex {
 public:
  // `domains` must outlive the index and not change while it is used. Of
  // domains sharing a name the first wins, as with FindDomain.
  explicit DomainIndex(const std::vector<ObservedDomain>& domains);

  const ObservedDomain* Find(std::string_view name) const;

 private:
  absl::flat_hash_map<std::string_view, const ObservedDomain*> by_name_;
};

}  // namespace reconcile::model
