#include "cli/render/plan_dot.h"

#include <algorithm>
#include <vector>

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
    case model::ActionKind::kDelete: return "#f7c6c6";
  }
  return "#ffffff";
}

std::string Label(const model::Action& action) {
  std::string label(model::ActionKindName(action.kind));
  if (!action.role.empty()) label += " " + action.role;
  label += "\n" + action.node;
  if (!action.host.empty()) label += "\non " + action.host;
  return label;
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
  return out + "}\n";
}

}  // namespace reconcile::render
