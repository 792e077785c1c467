#include "reconciler/create_readiness.h"

#include <set>

#include "fmt/format.h"
#include "model/domain_index.h"

namespace reconcile {

drivers::NodeRequest CreateRequest(const model::Spec& spec, const model::Node& node,
                                   const model::HypervisorSpec& host,
                                   const std::string& authorized_key) {
  return drivers::NodeRequest{.cluster = spec.cluster, .node = node, .hypervisor = host,
                              .authorized_key = authorized_key};
}

std::string KeyProblem(const model::Node& node, const OperatorKey& key) {
  if (!node.image.seed || !key.line.empty()) return "";
  return key.problem.empty()
             ? std::string("no operator public key to seed new nodes with (ssh.identity's .pub file)")
             : key.problem;
}

std::map<std::string, std::map<std::string, std::string>> CheckCreateReadiness(
    const model::Spec& spec, const std::vector<model::Node>& nodes,
    drivers::Hypervisor& hypervisor, const OperatorKey& key,
    const model::ObservedState& observed) {
  // Only groups with a node to create or replace: a converged pass (watch's
  // every few minutes) asks the hypervisor nothing more than before.
  const model::DomainIndex domains(observed.domains);
  std::set<std::string> wanted;
  for (const model::Node& node : nodes) {
    if (node.existing) continue;
    const model::ObservedDomain* found = domains.Find(node.name);
    if (found == nullptr ||
        (found->managed && found->cluster == spec.cluster && found->image_hash != node.image_hash)) {
      wanted.insert(node.group);
    }
  }
  const std::map<std::string, std::string>& unreachable = observed.unreachable_hosts;
  std::map<std::string, std::map<std::string, std::string>> problems;
  std::set<std::string> checked;
  for (const model::Node& node : nodes) {
    if (node.existing || wanted.count(node.group) == 0 || !checked.insert(node.group).second) {
      continue;
    }
    const model::GroupSpec* group = spec.FindGroup(node.group);
    if (group == nullptr) continue;
    const std::string key_problem = KeyProblem(node, key);
    for (const model::HypervisorSpec* host : spec.HostsFor(*group)) {
      if (unreachable.count(host->name) != 0) continue;
      if (!key_problem.empty()) {
        problems[node.group][host->name] = key_problem;
        continue;
      }
      absl::Status status = hypervisor.CheckCreate(CreateRequest(spec, node, *host, key.line));
      if (status.ok()) continue;
      problems[node.group][host->name] =
          spec.Hosts().size() > 1
              ? fmt::format("host {}: {}", host->name, std::string(status.message()))
              : std::string(status.message());
    }
  }
  return problems;
}

}  // namespace reconcile
