// Static addresses across the cluster: every node of a group gets one (the
// range is long enough, the template yields valid addresses) and no two
// nodes share one.
#include <map>

#include "fmt/format.h"
#include "model/nic_address.h"
#include "model/validate.h"

namespace reconcile::model {

void ValidateMachines(const Spec& spec, Diagnostics& diagnostics) {
  std::map<std::string, std::string> holder;  // address (no prefix) -> node
  for (const GroupSpec& group : spec.groups) {
    if (!group.hosts.empty()) continue;
    const ImageSpec* image = spec.FindImage(group.image);
    for (const NicSpec& nic : group.networks) {
      // Without a static address, or already reported by the decoder.
      if ((nic.address.empty() && nic.range.empty()) || !NicProblem(nic).empty()) continue;
      if (image != nullptr && !image->seed) {
        diagnostics.Add(nic.location,
                        fmt::format("group '{}': a static address reaches the node through its "
                                    "first-boot seed, and image '{}' has 'seed: false'",
                                    group.name, image->name));
        continue;
      }
      for (int index = 1; index <= group.count; ++index) {
        absl::StatusOr<std::string> address = StaticAddressFor(nic, index);
        if (!address.ok()) {
          diagnostics.Add(nic.location, fmt::format("group '{}': {}", group.name,
                                                    std::string(address.status().message())));
          break;
        }
        const std::string node = fmt::format("{}-{}-{}", spec.cluster, group.name, index);
        const std::string ip = address->substr(0, address->find('/'));
        auto [it, inserted] = holder.emplace(ip, node);
        if (!inserted) {
          diagnostics.Add(nic.location, fmt::format("address {} of node {} is also given to {}",
                                                    ip, node, it->second));
          break;
        }
      }
    }
  }
}

}  // namespace reconcile::model
