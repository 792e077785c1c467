#include "reconciler/role_outputs.h"

#include <algorithm>
#include <set>

#include "absl/strings/escaping.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "fmt/format.h"
#include "model/expand.h"
#include "reconciler/command_output.h"
#include "reconciler/render_context.h"

namespace reconcile {

const model::Node* OutputProvider(const std::vector<model::Node>& nodes, const std::string& role) {
  auto it = std::find_if(nodes.begin(), nodes.end(), [&](const model::Node& node) {
    return std::find(node.roles.begin(), node.roles.end(), role) != node.roles.end();
  });
  return it == nodes.end() ? nullptr : &*it;
}

absl::StatusOr<std::map<std::string, std::string>> RunRoleOutputs(
    const model::Spec& spec, const std::vector<model::Node>& nodes, const model::RoleSpec& role,
    const model::Node& provider, const drivers::SshTarget& target, drivers::NodeShell& shell,
    absl::Time deadline) {
  model::RenderContext context = model::StaticRenderContext(spec, nodes, provider);
  context.self_ip = target.host;
  std::map<std::string, std::string> values;
  for (const model::OutputSpec& output : role.outputs) {
    ASSIGN_OR_RETURN(std::string command,
                     RenderText(output.command, context, model::Quoting::kShell,
                                fmt::format("role {} output {}", role.name, output.name)));
    ASSIGN_OR_RETURN(drivers::CommandResult result, shell.Run(target, command, deadline));
    if (result.exit_status != 0) {
      return absl::UnavailableError(fmt::format(
          "{}: output '{}' of role '{}' exited {}: {}", provider.name, output.name, role.name,
          result.exit_status, StderrTail(result.stderr_data)));
    }
    std::string value = std::move(result.stdout_data);
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    values[output.name] = std::move(value);
  }
  return values;
}

std::string EncodeOutputs(const std::map<std::string, std::string>& values) {
  std::string out;
  for (const auto& [name, value] : values) out += name + "\t" + absl::Base64Escape(value) + "\n";
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> DecodeOutputs(std::string_view text) {
  std::map<std::string, std::string> values;
  for (std::string_view line : SplitNonEmpty(text, "\n")) {
    const size_t tab = line.find('\t');
    std::string value;
    if (tab == std::string_view::npos ||
        !absl::Base64Unescape(std::string(line.substr(tab + 1)), &value)) {
      return absl::DataLossError("recorded role outputs are malformed");  // never quoted
    }
    values[std::string(line.substr(0, tab))] = std::move(value);
  }
  return values;
}

std::vector<std::string> RolesReferencedByChecks(const model::RoleSpec& role) {
  std::set<std::string> roles;
  for (const model::StepSpec& step : role.steps) {
    model::Template tmpl;
    if (step.check.empty() || model::ParseTemplate(step.check, tmpl)) continue;
    for (const model::TemplateRef& ref : tmpl.Refs()) {
      if (ref.kind == model::TemplateRef::Kind::kRoleOutput) roles.insert(ref.target);
    }
  }
  return {roles.begin(), roles.end()};
}

}  // namespace reconcile
