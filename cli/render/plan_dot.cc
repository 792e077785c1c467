#include "cli/render/plan_dot.h"

#include <algorithm>
#include <vector>

#include "cli/render/terminal_text.h"
#include "fmt/format.h"

namespace reconcile::render {
namespace {

// Colours by how disruptive an action is, as in the human plan.
std::string_view FillColor(model::ActionKind kind) {
  switch (kind) {
    case model::ActionKind::kCreate: return "#d4f7d4";
    case model::ActionKind::kStart: return "#d4e8f7";
    case model::ActionKind::kUpdate: return "#f7f0c6";
    case model::ActionKind::kReplace: return "#f7dcc0";
    case model::ActionKind::kConfigure: return "#ffffff";
    case model::ActionKind::kDelete:
    case model::ActionKind::kDeleteNetwork: return "#f7c6c6";
    case model::ActionKind::kCreateNetwork: return "#d4f7d4";
  }
  return "#ffffff";
}

std::string Label(const model::Action& action) {
  std::string label(model::ActionKindName(action.kind));
  if (!action.role.empty()) label += " " + action.role;
  label += "\n" + (action.network.empty() ? action.node : "network " + action.network);
  if (!action.host.empty()) label += "\non " + action.host;
  return label;
}

// `text` broken at spaces into lines of at most `width` columns (a longer
// word keeps its own line), so a long message makes a tall box, not a wide one.
std::string Wrapped(const std::string& text, size_t width) {
  std::string out;
  size_t column = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!word.empty()) {
      if (column > 0 && column + 1 + DisplayWidth(word) > width) {
        out += '\n';
        column = 0;
      } else if (column > 0) {
        out += ' ';
        ++column;
      }
      out += word;
      column += DisplayWidth(word);
    }
    start = end + 1;
  }
  return out;
}

// What the plan does not act on, as boxes outside the DAG: one cluster each
// for problems, deferred changes and orphans, so `dot -Tsvg` shows them.
void AppendSideCluster(std::string& out, std::string_view id, std::string_view title,
                       std::string_view border, std::string_view fill,
                       const std::vector<std::string>& labels, char prefix) {
  if (labels.empty()) return;
  out += fmt::format("  subgraph cluster_{} {{\n", id);
  out += fmt::format("    label={}; fontname=\"monospace\"; style=\"dashed\"; color=\"{}\";\n",
                     DotQuoted(std::string(title)), border);
  for (size_t i = 0; i < labels.size(); ++i) {
    out += fmt::format("    {}{} [label={}, fillcolor=\"{}\", color=\"{}\"];\n", prefix, i,
                       DotQuoted(labels[i]), fill, border);
  }
  out += "  }\n";
}

std::string ProblemLabel(const model::PlanProblem& problem) {
  std::string where = !problem.node.empty() ? problem.node
                      : !problem.host.empty() ? "host " + problem.host
                                              : "";
  std::string message = Wrapped(TerminalSafe(problem.message), 48);
  return where.empty() ? message : TerminalSafe(where) + "\n" + message;
}

}  // namespace

std::string DotQuoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') continue;
    else out += c;
  }
  return out + "\"";
}

std::string RenderPlanDot(const model::Plan& plan, const std::string& cluster) {
  std::string out = fmt::format("digraph {} {{\n", DotQuoted("plan " + cluster));
  out += "  rankdir=LR;\n";
  out += "  node [shape=box, style=\"rounded,filled\", fontname=\"monospace\"];\n";
  for (const model::Action& action : plan.actions) {
    out += fmt::format("  a{} [label={}, fillcolor=\"{}\"];\n", action.id, DotQuoted(Label(action)),
                       FillColor(action.kind));
  }
  for (const model::Action& action : plan.actions) {
    std::vector<int> deps = action.depends_on;
    std::sort(deps.begin(), deps.end());
    deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
    for (int dep : deps) out += fmt::format("  a{} -> a{};\n", dep, action.id);
  }
  std::vector<std::string> problems, deferred, orphans;
  for (const model::PlanProblem& problem : plan.problems) problems.push_back(ProblemLabel(problem));
  for (const model::PlanProblem& held : plan.deferred) deferred.push_back(ProblemLabel(held));
  for (const std::string& orphan : plan.orphans) orphans.push_back(TerminalSafe(orphan));
  AppendSideCluster(out, "problems", "problems: not acted on; fix them (graph and plan exit 1)",
                    "#c62828", "#f7c6c6", problems, 'p');
  AppendSideCluster(out, "deferred", "deferred: held back by max_unavailable; a later pass plans them",
                    "#8d6e00", "#f7f0c6", deferred, 'd');
  AppendSideCluster(out, "orphans", "orphans: owned, no longer in the spec, left untouched (prune is off)",
                    "#616161", "#eeeeee", orphans, 'o');
  return out + "}\n";
}

}  // namespace reconcile::render
