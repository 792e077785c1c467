#include "cli/render/plan_text.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "cli/render/terminal_text.h"
#include "fmt/format.h"

namespace reconcile::render {
namespace {

using model::Action;
using model::ActionKind;

// Past this width a long target only pushes its own reason right instead of
// pushing every line's reason off the screen.
constexpr size_t kMaxTargetColumn = 40;

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kBoldRed = "\x1b[1;31m";
constexpr std::string_view kBoldGreen = "\x1b[1;32m";

std::string_view KindColor(ActionKind kind) {
  switch (kind) {
    case ActionKind::kCreate:
    case ActionKind::kCreateNetwork: return "\x1b[32m";  // green
    case ActionKind::kStart:
    case ActionKind::kUpdate:
    case ActionKind::kConfigure: return "\x1b[33m";  // yellow
    case ActionKind::kReplace:
    case ActionKind::kDelete:
    case ActionKind::kDeleteNetwork: return "\x1b[31m";  // red
  }
  return "";
}

// One row of the aligned table: actions, then orphans and deferred changes.
struct Row {
  std::string_view symbol;  // "" for rows that are not actions
  std::string target;       // already made safe for a terminal
  std::string label;        // "create", "update (restart)", "orphan (prune is off)", ...
  std::string detail;       // already made safe for a terminal
  std::string_view color;   // for symbol and label; "" for none
};

std::string ActionTarget(const Action& action) {
  if (!action.network.empty()) return "network " + TerminalSafe(action.network);
  if (action.kind == ActionKind::kConfigure) {
    return fmt::format("{} [{}]", TerminalSafe(action.node), TerminalSafe(action.role));
  }
  return TerminalSafe(action.node);
}

std::string ActionLabel(const Action& action) {
  std::string label(model::ActionKindName(action.kind));
  if (action.kind == ActionKind::kUpdate && action.restart) label += " (restart)";
  if (!action.host.empty()) label += " on " + TerminalSafe(action.host);
  return label;
}

std::vector<Row> TableRows(const model::Plan& plan) {
  std::vector<Row> rows;
  rows.reserve(plan.actions.size() + plan.orphans.size() + plan.deferred.size());
  for (const Action& action : plan.actions) {
    rows.push_back({model::ActionKindSymbol(action.kind), ActionTarget(action),
                    ActionLabel(action), TerminalSafe(action.reason), KindColor(action.kind)});
  }
  for (const std::string& orphan : plan.orphans) {
    rows.push_back({"", TerminalSafe(orphan), "orphan (prune is off)",
                    "owned domain no longer in the spec; left untouched", ""});
  }
  for (const std::string& orphan : plan.orphan_networks) {
    rows.push_back({"", "network " + TerminalSafe(orphan), "orphan (prune is off)",
                    "owned network no longer in the spec; left untouched", ""});
  }
  for (const model::PlanProblem& deferred : plan.deferred) {
    rows.push_back({"", TerminalSafe(deferred.node), "deferred", TerminalSafe(deferred.message), ""});
  }
  return rows;
}

std::string Paint(std::string_view text, std::string_view color, bool enabled) {
  if (!enabled || color.empty()) return std::string(text);
  return fmt::format("{}{}{}", color, text, kReset);
}

void AppendTable(const std::vector<Row>& rows, bool color, std::string& out) {
  size_t column = 0;
  for (const Row& row : rows) column = std::max(column, DisplayWidth(row.target));
  column = std::min(column, kMaxTargetColumn);
  for (const Row& row : rows) {
    // Symbols are right-aligned in three columns, as Terraform does: "  +", "-/+".
    out.append(3 - std::min<size_t>(3, row.symbol.size()), ' ');
    out += Paint(row.symbol, row.color, color);
    out += ' ';
    out += row.target;
    const size_t width = DisplayWidth(row.target);
    out.append((width < column ? column - width : 0) + 2, ' ');
    out += Paint(row.label, row.color, color);
    if (!row.detail.empty()) {
      out += ": ";
      out += row.detail;
    }
    out += '\n';
  }
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string RenderSummary(const model::Plan& plan, bool color) {
  std::array<size_t, 8> count{};  // indexed by ActionKind
  for (const Action& action : plan.actions) ++count[static_cast<size_t>(action.kind)];
  auto n = [&](ActionKind kind) { return count[static_cast<size_t>(kind)]; };

  std::string orphans;
  if (const size_t left = plan.orphans.size() + plan.orphan_networks.size(); left > 0) {
    orphans = Plural(left, "orphan", "orphans") + " left untouched (prune is off)";
  }
  if (plan.actions.empty() && plan.problems.empty() && plan.deferred.empty()) {
    std::string line = Paint("No changes.", kBoldGreen, color) + " The cluster matches the spec.";
    if (!orphans.empty()) line += " " + orphans + ".";
    return line;
  }
  std::string line = fmt::format(
      "{} {} to create, {} to start, {} to update, {} to configure, {} to replace, {} to delete",
      Paint("Plan:", kBold, color), n(ActionKind::kCreate), n(ActionKind::kStart),
      n(ActionKind::kUpdate), n(ActionKind::kConfigure), n(ActionKind::kReplace),
      n(ActionKind::kDelete));
  // Networks only when there are any: most plans have none.
  if (n(ActionKind::kCreateNetwork) > 0) {
    line += fmt::format(", {} to create", Plural(n(ActionKind::kCreateNetwork), "network", "networks"));
  }
  if (n(ActionKind::kDeleteNetwork) > 0) {
    line += fmt::format(", {} to delete", Plural(n(ActionKind::kDeleteNetwork), "network", "networks"));
  }
  std::vector<std::string> extras;
  if (!plan.deferred.empty()) extras.push_back(fmt::format("{} deferred", plan.deferred.size()));
  if (!plan.problems.empty()) {
    extras.push_back(Paint(Plural(plan.problems.size(), "error", "errors"), kBoldRed, color));
  }
  if (!orphans.empty()) extras.push_back(orphans);
  if (!extras.empty()) line += fmt::format("; {}", fmt::join(extras, ", "));
  return line + ".";
}

}  // namespace

std::string RenderPlanText(const model::Plan& plan, bool color) {
  std::string out;
  const std::vector<Row> rows = TableRows(plan);
  AppendTable(rows, color, out);
  if (!rows.empty()) out += "\n";
  for (const model::PlanProblem& problem : plan.problems) {
    std::string where = problem.node.empty() ? "" : TerminalSafe(problem.node) + ": ";
    fmt::format_to(std::back_inserter(out), "{} {}{}\n", Paint("Error:", kBoldRed, color), where,
                   TerminalSafe(problem.message));
  }
  if (!plan.problems.empty()) out += "\n";
  out += RenderSummary(plan, color);
  out += "\n";
  return out;
}

std::string PlanSummaryLine(const model::Plan& plan) { return RenderSummary(plan, false); }

}  // namespace reconcile::render
