#include "cli/render/status_text.h"

#include <algorithm>
#include <iterator>

#include "base/text.h"
#include "cli/render/terminal_text.h"
#include "fmt/format.h"
#include "model/domain_index.h"

namespace reconcile::render {
namespace {

// The stable identifier of a node's state (docs/status-json.md). The same
// names as the `state` label of the metric `reconcile_nodes`, except that the
// metric calls a running node whose probe answered "ready".
std::string StateId(const std::string& cluster, const model::Node& node,
                    const model::ObservedDomain* domain, const model::NodeProbe* probe) {
  if (node.existing) return "existing";
  if (domain == nullptr) return "missing";
  if (!domain->managed || domain->cluster != cluster) return "unmanaged";
  if (domain->state == model::DomainState::kRunning) {
    return probe != nullptr && probe->status.ok() ? "running" : "unreachable";
  }
  return std::string(model::DomainStateName(domain->state));
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

// Where a node is: the host its domain was seen on, else where the plan
// creates it; "" when unknown.
std::string HostOfNode(const model::Node& node, const model::ObservedDomain* domain,
                       const model::Plan& plan, const std::vector<std::string>& host_names) {
  if (node.existing) return "";
  if (domain != nullptr) return domain->host.empty() ? host_names.front() : domain->host;
  for (const model::Action& action : plan.actions) {
    if (action.node == node.name && action.kind == model::ActionKind::kCreate) return action.host;
  }
  return "";
}

// "host h1: 2 nodes (a, b)" per host; unreachable hosts say why.
std::string HostLines(const std::vector<NodeStatus>& rows, const model::ObservedState& observed,
                      const std::vector<std::string>& host_names) {
  std::string out;
  size_t unknown = std::count_if(rows.begin(), rows.end(),
                                 [](const NodeStatus& row) { return row.state == "unknown"; });
  for (const std::string& host : host_names) {
    std::vector<std::string> members;
    for (const NodeStatus& row : rows) {
      if (row.host == host) members.push_back(TerminalSafe(row.node));
    }
    out += fmt::format("host {}: {} {}", TerminalSafe(host), members.size(),
                       members.size() == 1 ? "node" : "nodes");
    if (!members.empty()) out += fmt::format(" ({})", fmt::join(members, ", "));
    if (auto down = observed.unreachable_hosts.find(host); down != observed.unreachable_hosts.end()) {
      out += fmt::format("; unreachable, {} unknown: {}", unknown, TerminalSafe(down->second));
    }
    out += "\n";
  }
  return out;
}

nlohmann::ordered_json ProblemToJson(const model::PlanProblem& problem) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["node"] = problem.node;
  if (!problem.host.empty()) out["host"] = problem.host;
  out["message"] = problem.message;
  return out;
}

}  // namespace

std::string StateText(const std::string& state) {
  if (state == "unmanaged") return "unmanaged!";  // never touched: worth a look
  std::string text = state;
  for (char& c : text) {
    if (c == '_') c = ' ';
  }
  return text;
}

std::vector<NodeStatus> BuildStatus(const std::string& cluster,
                                    const std::vector<model::Node>& nodes,
                                    const model::ObservedState& observed,
                                    const model::Plan& plan,
                                    const std::vector<std::string>& host_names) {
  std::vector<NodeStatus> rows;
  const model::DomainIndex domains(observed.domains);
  for (const model::Node& node : nodes) {
    const model::ObservedDomain* domain = domains.Find(node.name);
    const model::NodeProbe* probe = observed.FindProbe(node.name);
    NodeStatus row{.node = node.name, .group = node.group,
                   .state = StateId(cluster, node, domain, probe)};
    if (host_names.size() > 1) {
      row.host = HostOfNode(node, domain, plan, host_names);
      // Not seen, but a host could not be looked at: it may well be there.
      if (domain == nullptr && !node.existing && !observed.unreachable_hosts.empty()) {
        row.state = "unknown";
      }
    }
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
    for (const model::PlanProblem& held : plan.deferred) {
      if (held.node == node.name) row.drift.push_back("deferred: " + held.message);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string RenderStatusText(const std::vector<NodeStatus>& rows, const model::Plan& plan,
                             const model::ObservedState& observed,
                             const std::vector<std::string>& host_names) {
  const bool several_hosts = host_names.size() > 1;
  // Columns; HOST only when the spec names several hypervisors.
  std::vector<std::vector<std::string>> cells;
  auto add_row = [&](std::string node, std::string group, std::string host, std::string state,
                     std::string address, std::string roles, std::string drift) {
    std::vector<std::string> row = {std::move(node), std::move(group)};
    if (several_hosts) row.push_back(std::move(host));
    for (std::string* cell : {&state, &address, &roles, &drift}) row.push_back(std::move(*cell));
    cells.push_back(std::move(row));
  };
  add_row("NODE", "GROUP", "HOST", "STATE", "ADDRESS", "ROLES", "DRIFT");
  for (const NodeStatus& row : rows) {
    std::string roles = fmt::format("{}", fmt::join(row.roles_applied, ","));
    if (!row.roles_pending.empty()) {
      fmt::format_to(std::back_inserter(roles), "{}(pending: {})", roles.empty() ? "" : " ",
                     fmt::join(row.roles_pending, ","));
    }
    const std::string drift = fmt::format("{}", fmt::join(row.drift, "; "));
    add_row(TerminalSafe(row.node), TerminalSafe(row.group), OrDash(TerminalSafe(row.host)),
            StateText(row.state), OrDash(TerminalSafe(row.address)), OrDash(TerminalSafe(roles)),
            row.drift.empty() ? "none" : TerminalSafe(drift));
  }
  std::vector<size_t> w(cells.front().size(), 0);
  for (const auto& c : cells) {
    for (size_t i = 0; i + 1 < c.size(); ++i) w[i] = std::max(w[i], DisplayWidth(c[i]));
  }
  std::string out;
  for (const auto& c : cells) {
    for (size_t i = 0; i + 1 < c.size(); ++i) {
      out += c[i] + std::string(w[i] - std::min(w[i], DisplayWidth(c[i])), ' ') + "  ";
    }
    out += c.back() + "\n";
  }
  for (const std::string& orphan : plan.orphans) {
    out += fmt::format("orphan: {} (owned, no longer in the spec; prune is off)\n", TerminalSafe(orphan));
  }
  for (const std::string& orphan : plan.orphan_networks) {
    out += fmt::format("orphan: network {} (owned, no longer in the spec; prune is off)\n",
                       TerminalSafe(orphan));
  }
  for (const model::PlanProblem& problem : plan.problems) {
    const std::string& where = problem.node.empty() ? problem.host : problem.node;
    out += fmt::format("problem: {}: {}\n", TerminalSafe(where), TerminalSafe(problem.message));
  }
  if (several_hosts) out += HostLines(rows, observed, host_names);
  // A node not seen (its host is dark) is unknown, not converged; one whose
  // replacement waits is deferred.
  size_t converged = 0, unknown = 0, deferred = 0;
  for (const NodeStatus& row : rows) {
    if (row.state == "unknown") {
      ++unknown;
    } else if (std::any_of(row.drift.begin(), row.drift.end(),
                           [](const std::string& d) { return d.rfind("deferred: ", 0) == 0; })) {
      ++deferred;
    } else if (row.converged()) {
      ++converged;
    }
  }
  out += fmt::format("{} of {} converged", converged, Counted(rows.size(), "node", "nodes"));
  if (unknown > 0) out += fmt::format(", {} unknown", unknown);
  if (deferred > 0) out += fmt::format(", {} deferred", deferred);
  out += ".\n";
  return out;
}

nlohmann::ordered_json StatusToJson(const std::string& cluster, const std::vector<NodeStatus>& rows,
                                    const model::Plan& plan,
                                    const model::ObservedState& observed,
                                    const std::vector<std::string>& host_names) {
  using nlohmann::ordered_json;
  const bool several_hosts = host_names.size() > 1;
  ordered_json nodes = ordered_json::array();
  for (const NodeStatus& row : rows) {
    ordered_json node = ordered_json::object();
    node["node"] = row.node;
    node["group"] = row.group;
    if (several_hosts) node["host"] = row.host;
    node["state"] = row.state;
    node["address"] = row.address;
    node["converged"] = row.converged();
    node["roles_applied"] = row.roles_applied;
    node["roles_pending"] = row.roles_pending;
    node["drift"] = row.drift;
    nodes.push_back(std::move(node));
  }
  ordered_json doc = ordered_json::object();
  doc["format_version"] = kStatusJsonFormatVersion;
  doc["cluster"] = cluster;
  doc["converged"] = plan.converged();
  doc["nodes"] = std::move(nodes);
  doc["orphans"] = plan.orphans;
  doc["orphan_networks"] = plan.orphan_networks;
  doc["problems"] = ordered_json::array();
  for (const model::PlanProblem& p : plan.problems) doc["problems"].push_back(ProblemToJson(p));
  doc["deferred"] = ordered_json::array();
  for (const model::PlanProblem& d : plan.deferred) doc["deferred"].push_back(ProblemToJson(d));
  if (several_hosts) {
    ordered_json hosts = ordered_json::array();
    for (const std::string& host : host_names) {
      std::vector<std::string> members;
      for (const NodeStatus& row : rows) {
        if (row.host == host) members.push_back(row.node);
      }
      auto down = observed.unreachable_hosts.find(host);
      ordered_json entry = ordered_json::object();
      entry["name"] = host;
      entry["reachable"] = down == observed.unreachable_hosts.end();
      entry["nodes"] = members;
      if (down != observed.unreachable_hosts.end()) entry["error"] = down->second;
      hosts.push_back(std::move(entry));
    }
    doc["hosts"] = std::move(hosts);
  }
  return doc;
}

std::string RenderStatusJson(const std::string& cluster, const std::vector<NodeStatus>& rows,
                             const model::Plan& plan, const model::ObservedState& observed,
                             const std::vector<std::string>& host_names) {
  return StatusToJson(cluster, rows, plan, observed, host_names)
             .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
         "\n";
}

}  // namespace reconcile::render
