// The `after` graph between roles. All walks are iterative: a spec may hold
// thousands of roles and recursion depth must not depend on input.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/spec.h"

namespace reconcile::model {

// A dependency cycle as role names, first == last: {"a", "b", "a"} means a runs
// after b, which runs after a. `after` entries naming unknown roles are ignored.
std::optional<std::vector<std::string>> FindRoleCycle(const std::vector<RoleSpec>& roles);

// Role names such that every role comes after everything it lists in `after`;
// independent roles keep their declaration order. Roles in cycles are omitted.
std::vector<std::string> OrderRoles(const std::vector<RoleSpec>& roles);

// Every role `role` runs after, directly or transitively (not itself unless cyclic).
std::set<std::string> RoleDependencies(const std::vector<RoleSpec>& roles, const std::string& role);

}  // namespace reconcile::model
