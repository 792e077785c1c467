#include "model/role_graph.h"

#include <map>

namespace reconcile::model {
namespace {

// after-edges as indices: deps[i] = roles that role i runs after.
std::vector<std::vector<size_t>> Edges(const std::vector<RoleSpec>& roles) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < roles.size(); ++i) index.emplace(roles[i].name, i);
  std::vector<std::vector<size_t>> deps(roles.size());
  for (size_t i = 0; i < roles.size(); ++i) {
    for (const auto& name : roles[i].after) {
      if (auto it = index.find(name); it != index.end()) deps[i].push_back(it->second);
    }
  }
  return deps;
}

// Kahn's algorithm, always taking the earliest declared ready role.
std::vector<size_t> TopologicalOrder(const std::vector<std::vector<size_t>>& deps) {
  std::vector<size_t> pending(deps.size());
  std::vector<std::vector<size_t>> dependants(deps.size());
  for (size_t i = 0; i < deps.size(); ++i) {
    pending[i] = deps[i].size();
    for (size_t d : deps[i]) dependants[d].push_back(i);
  }
  std::set<size_t> ready;
  for (size_t i = 0; i < deps.size(); ++i) {
    if (pending[i] == 0) ready.insert(i);
  }
  std::vector<size_t> order;
  while (!ready.empty()) {
    size_t next = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(next);
    for (size_t dependant : dependants[next]) {
      if (--pending[dependant] == 0) ready.insert(dependant);
    }
  }
  return order;
}

}  // namespace

std::optional<std::vector<std::string>> FindRoleCycle(const std::vector<RoleSpec>& roles) {
  const auto deps = Edges(roles);
  const auto order = TopologicalOrder(deps);
  if (order.size() == roles.size()) return std::nullopt;
  std::vector<bool> done(roles.size(), false);
  for (size_t i : order) done[i] = true;
  // Every role left over runs after at least one other left-over role, so
  // following such edges from any of them must revisit a role: the cycle.
  size_t start = 0;
  while (done[start]) ++start;
  std::vector<size_t> path;
  std::vector<int> position(roles.size(), -1);
  size_t current = start;
  while (position[current] < 0) {
    position[current] = static_cast<int>(path.size());
    path.push_back(current);
    for (size_t d : deps[current]) {
      if (!done[d]) {
        current = d;
        break;
      }
    }
  }
  std::vector<std::string> cycle;
  for (size_t k = position[current]; k < path.size(); ++k) cycle.push_back(roles[path[k]].name);
  cycle.push_back(roles[current].name);
  return cycle;
}

std::vector<std::string> OrderRoles(const std::vector<RoleSpec>& roles) {
  std::vector<std::string> names;
  for (size_t i : TopologicalOrder(Edges(roles))) names.push_back(roles[i].name);
  return names;
}

std::set<std::string> RoleDependencies(const std::vector<RoleSpec>& roles, const std::string& role) {
  const auto deps = Edges(roles);
  std::vector<size_t> stack;
  for (size_t i = 0; i < roles.size(); ++i) {
    if (roles[i].name == role) stack.push_back(i);
  }
  std::vector<bool> seen(roles.size(), false);
  std::set<std::string> out;
  while (!stack.empty()) {
    size_t current = stack.back();
    stack.pop_back();
    for (size_t d : deps[current]) {
      if (seen[d]) continue;
      seen[d] = true;
      out.insert(roles[d].name);
      stack.push_back(d);
    }
  }
  return out;
}

}  // namespace reconcile::model
