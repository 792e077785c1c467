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

std::span<const HypervisorSpec> Spec::Hosts() const {
  if (hypervisors.empty()) return {&hypervisor, 1};
  return hypervisors;
}

const OwnedNetworkSpec* HypervisorSpec::FindCreatedNetwork(std::string_view network) const {
  for (const OwnedNetworkSpec& created : create_networks) {
    if (created.name == network) return &created;
  }
  return nullptr;
}

const HypervisorSpec* Spec::FindHost(std::string_view name) const {
  for (const HypervisorSpec& host : Hosts()) {
    if (host.name == name) return &host;
  }
  return nullptr;
}

std::vector<const HypervisorSpec*> Spec::HostsFor(const GroupSpec& group) const {
  std::vector<const HypervisorSpec*> out;
  for (const HypervisorSpec& host : Hosts()) {
    if (group.placement_hosts.empty() ||
        std::find(group.placement_hosts.begin(), group.placement_hosts.end(), host.name) !=
            group.placement_hosts.end()) {
      out.push_back(&host);
    }
  }
  return out;
}

}  // namespace reconcile::model
