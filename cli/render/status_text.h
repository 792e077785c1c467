// `reconcile status`: one row per node of the spec (state, address, roles
// applied, drift), then orphans and problems. Pure: values in, text out.
#pragma once

#include <string>
#include <vector>

#include "model/node.h"
#include "model/observed.h"
#include "model/plan.h"
#include "nlohmann/json.hpp"

namespace reconcile::render {

struct NodeStatus {
  std::string node;
  std::string group;
  std::string state;    // "running", "shut off", "missing", "existing", ...
  std::string address;  // "" when unknown
  std::vector<std::string> roles_applied;  // with the current hash
  std::vector<std::string> roles_pending;
  std::vector<std::string> drift;  // "configure worker: a check fails", ...
};

std::vector<NodeStatus> BuildStatus(const std::vector<model::Node>& nodes,
                                    const model::ObservedState& observed, const model::Plan& plan);

std::string RenderStatusText(const std::vector<NodeStatus>& rows, const model::Plan& plan);
nlohmann::ordered_json StatusToJson(const std::vector<NodeStatus>& rows, const model::Plan& plan);

}  // namespace reconcile::render
