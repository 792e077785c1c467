#include "cli/render/plan_json.h"

#include <array>

namespace reconcile::render {
namespace {

using nlohmann::ordered_json;

// Every kind, in the order the summary lists them.
constexpr std::array kSummaryKinds = {
    model::ActionKind::kCreate,    model::ActionKind::kStart,   model::ActionKind::kUpdate,
    model::ActionKind::kConfigure, model::ActionKind::kReplace, model::ActionKind::kDelete,
    model::ActionKind::kCreateNetwork, model::ActionKind::kDeleteNetwork,
};

ordered_json ActionToJson(const model::Action& action) {
  ordered_json out = ordered_json::object();
  out["id"] = action.id;
  out["kind"] = model::ActionKindName(action.kind);
  if (action.network.empty()) {
    out["node"] = action.node;
  } else {
    out["network"] = action.network;  // network actions concern no node
  }
  if (!action.host.empty()) out["host"] = action.host;  // specs with several hypervisors
  if (action.kind == model::ActionKind::kConfigure) out["role"] = action.role;
  out["reason"] = action.reason;
  out["depends_on"] = action.depends_on;
  out["restart"] = action.restart;
  return out;
}

ordered_json ProblemToJson(const model::PlanProblem& problem) {
  ordered_json out = ordered_json::object();
  out["node"] = problem.node;
  if (!problem.host.empty()) out["host"] = problem.host;
  out["message"] = problem.message;
  return out;
}

ordered_json SummaryToJson(const model::Plan& plan) {
  ordered_json out = ordered_json::object();
  for (model::ActionKind kind : kSummaryKinds) out[std::string(model::ActionKindName(kind))] = 0;
  for (const model::Action& action : plan.actions) {
    ordered_json& n = out[std::string(model::ActionKindName(action.kind))];
    n = n.get<int>() + 1;
  }
  return out;
}

}  // namespace

ordered_json PlanToJson(const model::Plan& plan, std::string_view cluster) {
  ordered_json doc = ordered_json::object();
  doc["format_version"] = kPlanJsonFormatVersion;
  doc["cluster"] = cluster;
  doc["converged"] = plan.converged();
  doc["actions"] = ordered_json::array();
  for (const model::Action& action : plan.actions) doc["actions"].push_back(ActionToJson(action));
  doc["orphans"] = plan.orphans;
  doc["orphan_networks"] = plan.orphan_networks;
  doc["problems"] = ordered_json::array();
  for (const model::PlanProblem& p : plan.problems) doc["problems"].push_back(ProblemToJson(p));
  doc["deferred"] = ordered_json::array();
  for (const model::PlanProblem& d : plan.deferred) doc["deferred"].push_back(ProblemToJson(d));
  doc["summary"] = SummaryToJson(plan);
  return doc;
}

std::string RenderPlanJson(const model::Plan& plan, std::string_view cluster) {
  return PlanToJson(plan, cluster).dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace reconcile::render
