#include "fmt/format.h"
#include "reconciler/plan_builder.h"

namespace reconcile::planning {

void PlanBuilder::PlanProbeRefusal(const Node& node) {
  NodeState& state = StateOf(node);
  if (state.blocked || state.fresh || state.restarted) return;
  const model::NodeProbe* probe = ProbeOf(node);
  if (probe == nullptr || probe->status.code() != absl::StatusCode::kFailedPrecondition) return;
  Block(state, node.name, fmt::format("not configured: {}", std::string(probe->status.message())));
}

std::optional<std::string> PlanBuilder::ConfigureReason(const Node& node, const std::string& role,
                                                        const NodeState& state) const {
  if (state.fresh) return "new node";
  if (state.restarted) return "node was not running";
  const model::NodeProbe* probe = ProbeOf(node);
  if (probe == nullptr) return "node not probed";
  if (!probe->status.ok())
    return fmt::format("node unreachable: {}", std::string(probe->status.message()));
  auto applied = probe->applied_roles.find(role);
  if (applied == probe->applied_roles.end()) return "not applied";
  auto wanted = node.role_hashes.find(role);
  if (wanted == node.role_hashes.end() || applied->second != wanted->second) {
    return "role changed since it was applied";
  }
  auto check = probe->checks_pass.find(role);
  if (check != probe->checks_pass.end() && !check->second) return "a check fails";
  return std::nullopt;
}

void PlanBuilder::PlanRole(const Node& node, const std::string& role) {
  NodeState& state = StateOf(node);
  if (state.blocked) {
    unappliable_roles_.insert(role);
    return;
  }
  // A member whose replacement waits is still configured where it runs: it
  // must become healthy for the rollout to go on.
  std::vector<int> deps = After(state.last_action);
  if (const model::RoleSpec* spec_role = spec_.FindRole(role)) {
    for (const std::string& dep : spec_role->after) {
      if (unappliable_roles_.count(dep) != 0) {
        plan_.problems.push_back(
            {node.name,
             fmt::format("role '{}' waits for role '{}', which cannot be applied", role, dep)});
        unappliable_roles_.insert(role);
        return;
      }
      const std::vector<int>& providers = configures_of_role_[dep];
      deps.insert(deps.end(), providers.begin(), providers.end());
    }
  }
  std::optional<std::string> reason = ConfigureReason(node, role, state);
  if (!reason) return;
  state.last_action =
      Add(ActionKind::kConfigure, node.name, role, *std::move(reason), std::move(deps));
  configures_of_role_[role].push_back(state.last_action);
}

}  // namespace reconcile::planning
