// Cross-checks of hypervisor hosts: group placement names real hosts, and a
// node of every group fits at least one host it may use.
#include <set>
#include <string>
#include <vector>

#include "base/text.h"
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
    return Cat(host.name, " has capacity for ", cap.cpus, " cpus");
  }
  if (cap.memory_bytes > 0 && group.memory_bytes > cap.memory_bytes) {
    return Cat(host.name, " has capacity for ", cap.memory_bytes >> 20, " MiB of memory");
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
        std::string message = Cat("unknown hypervisor '", name.substr(0, 70), "'");
        if (auto suggestion = ClosestMatch(name, names)) {
          Append(message, ", did you mean '", *suggestion, "'?");
        } else {
          Append(message, " (hypervisors: ", Join(names, ", "), ")");
        }
        out.Add(where.placement_hosts[h], std::move(message));
      } else if (!seen.insert(name).second) {
        out.Add(where.placement_hosts[h], Cat("hypervisor '", name, "' is listed twice"));
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
      out.Add(where.name, Cat("a node of group '", group.name, "' (", group.cpus, " cpus, ",
                              group.memory_bytes >> 20, " MiB) fits no hypervisor it may use: ",
                              Join(reasons, "; ")));
    }
  }
}

}  // namespace reconcile::model
