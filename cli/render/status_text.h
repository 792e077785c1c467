// `reconcile status`: one row per node of the spec (state, address, roles
// applied, drift), then orphans and problems, as text or as the versioned
// document of docs/status-json.md. Pure: values in, text out.
#pragma once

#include <string>
#include <vector>

#include "model/node.h"
#include "model/observed.h"
#include "model/plan.h"
#include "nlohmann/json.hpp"

namespace reconcile::render {

// The `format_version` of the status document (docs/status-json.md).
inline constexpr const char* kStatusJsonFormatVersion = "1";

struct NodeStatus {
  std::string node;
  std::string group;
  // A stable identifier (docs/status-json.md): "running" (and its SSH probe
  // answered), "unreachable" (running, probe failed), "paused", "shut_off",
  // "crashed", "other", "missing", "unmanaged" (a domain this cluster does
  // not own holds the name), "existing" (a machine from `hosts:`), "unknown"
  // (not seen: its host could not be listed).
  std::string state;
  std::string address;  // "" when unknown
  std::string host;     // the hypervisor host; "" for a one-host spec
  std::vector<std::string> roles_applied;  // with the current hash
  std::vector<std::string> roles_pending;
  std::vector<std::string> drift;  // "configure worker: a check fails", ...
  // Nothing to do for this node and nothing in the way: no drift, and seen.
  bool converged() const { return drift.empty() && state != "unknown"; }
};

// How the table shows a state identifier: "shut off", "unmanaged!", ...
std::string StateText(const std::string& state);

// `host_names`: the spec's hypervisor hosts; with more than one, each row
// says which host its node is on (or will be created on), nodes not seen while
// a host is unreachable are "unknown", and the text ends with nodes per host.
// `cluster`: the spec's cluster name (a domain owned by another cluster is
// not this cluster's node).
std::vector<NodeStatus> BuildStatus(const std::string& cluster,
                                    const std::vector<model::Node>& nodes,
                                    const model::ObservedState& observed, const model::Plan& plan,
                                    const std::vector<std::string>& host_names = {});

std::string RenderStatusText(const std::vector<NodeStatus>& rows, const model::Plan& plan,
                             const model::ObservedState& observed = {},
                             const std::vector<std::string>& host_names = {});
// The document of docs/status-json.md; every field is written explicitly.
nlohmann::ordered_json StatusToJson(const std::string& cluster, const std::vector<NodeStatus>& rows,
                                    const model::Plan& plan,
                                    const model::ObservedState& observed = {},
                                    const std::vector<std::string>& host_names = {});
// That document as `status --json` prints it: two-space indentation, one
// trailing newline, invalid UTF-8 replaced by U+FFFD.
std::string RenderStatusJson(const std::string& cluster, const std::vector<NodeStatus>& rows,
                             const model::Plan& plan, const model::ObservedState& observed = {},
                             const std::vector<std::string>& host_names = {});

}  // namespace reconcile::render
