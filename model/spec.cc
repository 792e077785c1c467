#include "model/spec.h"

#include <algorithm>

namespace reconcile::model {
namespace {
template <typename T>
const T* FindByName(const std::vector<T>& items, std::string_view name) {
  auto it = std::find_if(items.begin(), items.end(),
                         [&](const T& item) { return item.name == name; });
  return it == items.end() ? nullptr : &*it;
}
}  // namespace

const ImageSpec* Spec::FindImage(std::string_view name) const { return FindByName(images, name); }
const GroupSpec* Spec::FindGroup(std::string_view name) const { return FindByName(groups, name); }
const RoleSpec* Spec::FindRole(std::string_view name) const { return FindByName(roles, name); }

}  // namespace reconcile::model
