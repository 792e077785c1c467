#include "cli/render/status_text.h"

#include <algorithm>

#include "absl/strings/str_join.h"
#include "cli/render/terminal_text.h"
#include "fmt/format.h"

namespace reconcile::render {
namespace {

std::string StateName(const model::Node& node, const model::ObservedDomain* domain) {
  if (node.existing) return "existing";
  if (domain == nullptr) return "missing";
  if (!domain->managed) return "unmanaged!";
  switch (domain->state) {
    case model::DomainState::kRunning: return "running";
    case model::DomainState::kPaused: return "paused";
    case model::DomainState::kShutOff: return "shut off";
    case model::DomainState::kCrashed: return "crashed";
    case model::DomainState::kOther: return "other";
  }
  return "other";
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

}  // namespace

std::vector<NodeStatus> BuildStatus(const std::vector<model::Node>& nodes,
                                    const model::ObservedState& observed,
                                    const model::Plan& plan) {
  std::vector<NodeStatus> rows;
  for (const model::Node& node : nodes) {
    NodeStatus row{.node = node.name, .group = node.group,
                   .state = StateName(node, observed.FindDomain(node.name))};
    const model::NodeProbe* probe = observed.FindProbe(node.name);
    if (probe != nullptr) row.address = probe->address;
    for (const std::string& role : node.roles) {
      bool applied = probe != nullptr && probe->status.ok() &&
                     probe->applied_roles.count(role) != 0 &&
                     probe->applied_roles.at(role) == node.role_hashes.at(role);
      (applied ? row.roles_applied : row.roles_pending).push_back(role);
    }
    for (const model::Action& action : plan.actions) {
      if (action.node != node.name) continue;
      std::string what(model::ActionKindName(action.kind));
      if (!action.role.empty()) what += " " + action.role;
      row.drift.push_back(what + ": " + action.reason);
    }
    for (const model::PlanProblem& problem : plan.problems) {
      if (problem.node == node.name) row.drift.push_back("problem: " + problem.message);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string RenderStatusText(const std::vector<NodeStatus>& rows, const model::Plan& plan) {
  struct Cells {
    std::string node, group, state, address, roles, drift;
  };
  std::vector<Cells> cells = {{"NODE", "GROUP", "STATE", "ADDRESS", "ROLES", "DRIFT"}};
  for (const NodeStatus& row : rows) {
    std::string roles = absl::StrJoin(row.roles_applied, ",");
    if (!row.roles_pending.empty()) {
      roles += (roles.empty() ? "" : " ") + std::string("(pending: ") +
               absl::StrJoin(row.roles_pending, ",") + ")";
    }
    cells.push_back({TerminalSafe(row.node), TerminalSafe(row.group), row.state,
                     OrDash(TerminalSafe(row.address)), OrDash(TerminalSafe(roles)),
                     row.drift.empty() ? "none" : TerminalSafe(absl::StrJoin(row.drift, "; "))});
  }
  size_t w[5] = {0, 0, 0, 0, 0};
  for (const Cells& c : cells) {
    w[0] = std::max(w[0], DisplayWidth(c.node));
    w[1] = std::max(w[1], DisplayWidth(c.group));
    w[2] = std::max(w[2], DisplayWidth(c.state));
    w[3] = std::max(w[3], DisplayWidth(c.address));
    w[4] = std::max(w[4], DisplayWidth(c.roles));
  }
  auto pad = [](const std::string& text, size_t width) {
    return text + std::string(width - std::min(width, DisplayWidth(text)), ' ');
  };
  std::string out;
  for (const Cells& c : cells) {
    out += pad(c.node, w[0]) + "  " + pad(c.group, w[1]) + "  " + pad(c.state, w[2]) + "  " +
           pad(c.address, w[3]) + "  " + pad(c.roles, w[4]) + "  " + c.drift + "\n";
  }
  for (const std::string& orphan : plan.orphans) {
    out += fmt::format("orphan: {} (owned, no longer in the spec; prune is off)\n", TerminalSafe(orphan));
  }
  for (const model::PlanProblem& problem : plan.problems) {
    out += fmt::format("problem: {}: {}\n", TerminalSafe(problem.node), TerminalSafe(problem.message));
  }
  size_t converged = std::count_if(rows.begin(), rows.end(),
                                   [](const NodeStatus& row) { return row.drift.empty(); });
  out += fmt::format("{} of {} nodes converged.\n", converged, rows.size());
  return out;
}

nlohmann::ordered_json StatusToJson(const std::vector<NodeStatus>& rows, const model::Plan& plan) {
  nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
  for (const NodeStatus& row : rows) {
    nodes.push_back({{"node", row.node}, {"group", row.group}, {"state", row.state},
                     {"address", row.address}, {"roles_applied", row.roles_applied},
                     {"roles_pending", row.roles_pending}, {"drift", row.drift}});
  }
  nlohmann::ordered_json problems = nlohmann::ordered_json::array();
  for (const model::PlanProblem& problem : plan.problems) {
    problems.push_back({{"node", problem.node}, {"message", problem.message}});
  }
  return {{"nodes", nodes}, {"orphans", plan.orphans}, {"problems", problems}};
}

}  // namespace reconcile::render
