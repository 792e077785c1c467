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
  std::string host;     // the hypervisor host; "" for a one-host spec
  std::vector<std::string> roles_applied;  // with the current hash
  std::vector<std::string> roles_pending;
  std::vector<std::string> drift;  // "configure worker: a check fails", ...
};

// `host_names`: the spec's hypervisor hosts; with more than one, each row
// says which host its node is on (or will be created on), nodes not seen while
// a host is unreachable are "unknown", and the text ends with nodes per host.
std::vector<NodeStatus> BuildStatus(const std::vector<model::Node>& nodes,
                                    const model::ObservedState& observed, const model::Plan& plan,
                                    const std::vector<std::string>& host_names = {});

std::string RenderStatusText(const std::vector<NodeStatus>& rows, const model::Plan& plan,
                             const model::ObservedState& observed = {},
                             const std::vector<std::string>& host_names = {});
nlohmann::ordered_json StatusToJson(const std::vector<NodeStatus>& rows, const model::Plan& plan,
                                    const model::ObservedState& observed = {},
                                    const std::vector<std::string>& host_names = {});

}  // namespace reconcile::render
