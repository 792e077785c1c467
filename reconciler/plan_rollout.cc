#include <algorithm>

#include "fmt/format.h"
#include "reconciler/plan_builder.h"

namespace reconcile::planning {

std::optional<std::string> PlanBuilder::Unavailability(const Node& node, bool* down) const {
  *down = false;
  if (unknown_.count(node.name) != 0) return "unknown (its host is unreachable)";
  const ObservedDomain* domain = FindDomain(node.name);
  *down = true;
  if (domain == nullptr) return "missing";
  if (domain->state != DomainState::kRunning) return StateReason(domain->state);
  *down = false;
  const model::NodeProbe* probe = ProbeOf(node);
  if (probe == nullptr || !probe->status.ok()) return "unreachable";
  for (const std::string& role : node.roles) {
    if (ConfigureReason(node, role, NodeState{})) return "not converged";
  }
  return std::nullopt;
}

void PlanBuilder::FindUnavailable(const std::string& group) {
  if (!groups_surveyed_.insert(group).second) return;
  for (const Node& node : nodes_) {
    if (node.existing || node.group != group) continue;
    bool down = false;
    if (std::optional<std::string> why = Unavailability(node, &down)) {
      unavailable_[node.group].emplace(node.name, *why);
      if (down) down_.insert(node.name);
    }
  }
}

bool PlanBuilder::TakeUnavailableSlot(const Node& node, std::string_view what) {
  const model::GroupSpec* group = spec_.FindGroup(node.group);
  const int budget = group ? std::max(group->max_unavailable, 1) : 1;
  FindUnavailable(node.group);
  std::map<std::string, std::string>& out = unavailable_[node.group];
  if (down_.count(node.name) != 0) return true;
  // Counted first, named only when deferring: a rollout over a large
  // group must not be quadratic.
  const size_t n = out.size() - out.count(node.name);
  if (static_cast<int>(n) + 1 > budget) {
    constexpr size_t kNamed = 5;
    std::vector<std::string> others;
    for (const auto& [name, why] : out) {
      if (others.size() == kNamed) break;
      if (name != node.name) others.push_back(fmt::format("{} {}", name, why));
    }
    plan_.deferred.push_back(
        {node.name,
         fmt::format("{} waits: group '{}' allows {} unavailable at a time and {} {} ({}{})", what,
                     node.group, budget, n, n == 1 ? "is" : "are", fmt::join(others, ", "),
                     n > kNamed ? fmt::format(", and {} more", n - kNamed) : "")});
    return false;
  }
  out.emplace(node.name, "disrupted in this pass");
  return true;
}

}  // namespace reconcile::planning
