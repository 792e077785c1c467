#include "model/plan_subset.h"

#include <vector>

namespace reconcile::model {

Plan RestrictPlan(const Plan& plan, const std::set<std::string>& nodes) {
  std::vector<bool> keep(plan.actions.size(), false);
  // Dependencies are earlier ids (the executor's CheckDag holds the planner
  // to it), so one backwards sweep closes the set.
  for (size_t i = plan.actions.size(); i-- > 0;) {
    if (nodes.count(plan.actions[i].node)) keep[i] = true;
    if (!keep[i]) continue;
    for (int dependency : plan.actions[i].depends_on) {
      if (dependency >= 0 && static_cast<size_t>(dependency) < i) keep[dependency] = true;
    }
  }
  Plan out;
  std::vector<int> new_id(plan.actions.size(), -1);
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    if (!keep[i]) continue;
    Action action = plan.actions[i];
    new_id[i] = static_cast<int>(out.actions.size());
    action.id = new_id[i];
    for (int& dependency : action.depends_on) dependency = new_id[dependency];
    out.actions.push_back(std::move(action));
  }
  for (const PlanProblem& problem : plan.problems) {
    if (problem.node.empty() || nodes.count(problem.node)) out.problems.push_back(problem);
  }
  for (const PlanProblem& deferred : plan.deferred) {
    if (nodes.count(deferred.node)) out.deferred.push_back(deferred);
  }
  for (const std::string& orphan : plan.orphans) {
    if (nodes.count(orphan)) out.orphans.push_back(orphan);
  }
  return out;
}

}  // namespace reconcile::model
