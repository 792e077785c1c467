// Cross-checks of hypervisor hosts: group placement names real hosts, and a
// node of every group fits at least one host it may use.
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "model/names.h"
#include "model/validate.h"

namespace reconcile::model {
namespace {

std::vector<std::string> HostNames(const Spec& spec) {
  std::vector<std::string> names;
  for (const HypervisorSpec& host : spec.Hosts()) names.push_back(host.name);
  return names;
}

// Why a node of `group` cannot fit `host` even on an empty host, or "".
std::string TooSmall(const GroupSpec& group, const HypervisorSpec& host) {
  const HostCapacity& cap = host.capacity;
  if (cap.cpus > 0 && group.cpus > cap.cpus) {
    return fmt::format("{} has capacity for {} cpus", host.name, cap.cpus);
  }
  if (cap.memory_bytes > 0 && group.memory_bytes > cap.memory_bytes) {
    return fmt::format("{} has capacity for {} MiB of memory", host.name, cap.memory_bytes >> 20);
  }
  return "";
}

}  // namespace

void ValidateHosts(const Spec& spec, const SpecSources& sources, Diagnostics& out) {
  const std::vector<std::string> names = HostNames(spec);
  for (size_t g = 0; g < spec.groups.size(); ++g) {
    const GroupSpec& group = spec.groups[g];
    const GroupSources& where = sources.groups[g];
    std::set<std::string> seen;
    bool all_known = true;
    for (size_t h = 0; h < group.placement_hosts.size(); ++h) {
      const std::string& name = group.placement_hosts[h];
      if (spec.FindHost(name) == nullptr) {
        all_known = false;
        std::string message = fmt::format("unknown hypervisor '{}'", name.substr(0, 70));
        if (auto suggestion = ClosestMatch(name, names)) {
          fmt::format_to(std::back_inserter(message), ", did you mean '{}'?", *suggestion);
        } else {
          fmt::format_to(std::back_inserter(message), " (hypervisors: {})", fmt::join(names, ", "));
        }
        out.Add(where.placement_hosts[h], std::move(message));
      } else if (!seen.insert(name).second) {
        out.Add(where.placement_hosts[h], fmt::format("hypervisor '{}' is listed twice", name));
      }
    }
    if (!all_known || !group.hosts.empty() || group.count == 0) continue;
    std::vector<std::string> reasons;
    for (const HypervisorSpec* host : spec.HostsFor(group)) {
      std::string reason = TooSmall(group, *host);
      if (reason.empty()) {
        reasons.clear();
        break;
      }
      reasons.push_back(std::move(reason));
    }
    if (!reasons.empty()) {
      out.Add(
          where.name,
          fmt::format("a node of group '{}' ({} cpus, {} MiB) fits no hypervisor it may use: {}",
                      group.name, group.cpus, group.memory_bytes >> 20, fmt::join(reasons, "; ")));
    }
  }
}

}  // namespace reconcile::model
