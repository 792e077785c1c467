#include "model/observed_facts.h"

#include <algorithm>

#include "fmt/format.h"

namespace reconcile::model {

std::vector<std::string> ObservedFacts(const ObservedState& observed) {
  std::vector<std::string> facts;
  for (const ObservedDomain& d : observed.domains) {
    facts.push_back(fmt::format("domain {} on '{}': {}", d.name, d.host, DomainStateName(d.state)));
    if (!d.managed) {
      facts.push_back(fmt::format("domain {} on '{}': unmanaged", d.name, d.host));
      continue;
    }
    facts.push_back(fmt::format("domain {} on '{}': owner {}/{}/{}, hardware {}, image {}, {} "
                                "cpus, {} bytes",
                                d.name, d.host, d.cluster, d.group, d.index, d.hardware_hash,
                                d.image_hash, d.vcpus, d.memory_bytes));
  }
  for (const auto& [node, probe] : observed.probes) {
    if (!probe.status.ok()) {
      facts.push_back(fmt::format("probe {}: failed ({})", node,
                                  absl::StatusCodeToString(probe.status.code())));
      continue;
    }
    facts.push_back(fmt::format("probe {}: address {}, hostname {}, boot {}", node, probe.address,
                                probe.hostname, probe.boot_id));
    for (const auto& [role, hash] : probe.applied_roles) {
      facts.push_back(fmt::format("probe {}: role {} applied {}", node, role, hash));
    }
    for (const auto& [check, pass] : probe.checks_pass) {
      facts.push_back(fmt::format("probe {}: checks of {} {}", node, check, pass ? "pass" : "fail"));
    }
  }
  for (const auto& [host, why] : observed.unreachable_hosts) {
    facts.push_back(fmt::format("host {}: unreachable", host));
  }
  for (const auto& [group, hosts] : observed.create_problems) {
    for (const auto& [host, problem] : hosts) {
      facts.push_back(fmt::format("group {} on '{}': cannot create: {}", group, host, problem));
    }
  }
  std::sort(facts.begin(), facts.end());
  return facts;
}

}  // namespace reconcile::model
