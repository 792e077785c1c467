// Roles: `after`, steps (commands, files, NixOS modules) and outputs.
#include <algorithm>
#include <regex>
#include <set>

#include "fmt/format.h"
#include "model/decode.h"
#include "model/spec_keys.h"

namespace reconcile::model {
namespace {

bool IsOctalMode(std::string_view text) {
  if (text.size() != 4 || text[0] != '0') return false;
  return std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '7'; });
}

bool IsOwner(std::string_view text) {
  static const std::regex kOwner("[a-z_][a-z0-9_-]{0,31}(:[a-z_][a-z0-9_-]{0,31})?");
  return text.size() <= 65 && std::regex_match(text.begin(), text.end(), kOwner);
}

void AddTemplate(YamlReader& r, const YamlNode& node, const std::string& text, bool shell,
                 RoleSources& where) {
  where.templates.push_back({text, r.At(node), shell, !node.quoted});
}

void DecodeFile(const YamlNode& node, YamlReader& r, FileSpec& file, RoleSources& where) {
  if (!r.ExpectMap(node, "files item")) return;
  r.CheckKeys(node, keys::kFile, "file");
  if (auto* n = node.Find("path")) {
    file.path = NonEmptyString(r, *n, "path").value_or("");
    if (!file.path.empty() && file.path.front() != '/') {
      r.Error(*n, fmt::format("file 'path' must be absolute, got '{}'", file.path.substr(0, 70)));
    }
  } else {
    r.Error(node, "file needs a 'path'");
  }
  if (auto* n = node.Find("content")) {
    if (n->kind == YamlNode::Kind::kNull) {
      file.content = "";
    } else if (auto content = r.String(*n, "content")) {
      file.content = *content;
      AddTemplate(r, *n, file.content, /*shell=*/false, where);
    }
  } else {
    r.Error(node, "file needs 'content' (use \"\" for an empty file)");
  }
  if (auto* n = node.Find("mode")) {
    auto mode = r.String(*n, "mode");
    if (mode && !IsOctalMode(*mode)) {
      r.Error(*n, fmt::format("'mode' must be an octal string like \"0640\", got '{}'",
                              mode->substr(0, 20)));
    } else if (mode) {
      file.mode = static_cast<uint32_t>(std::stoul(*mode, nullptr, 8));
    }
  }
  if (auto* n = node.Find("owner")) {
    auto owner = r.String(*n, "owner");
    if (owner && !IsOwner(*owner)) {
      r.Error(*n,
              fmt::format("'owner' must be user or user:group, got '{}'", owner->substr(0, 70)));
    } else if (owner) {
      file.owner = *owner;
    }
  }
}

void DecodeNixos(const YamlNode& node, YamlReader& r, NixosSpec& nixos, SourceLocation& module) {
  if (!r.ExpectMap(node, "nixos")) return;
  r.CheckKeys(node, keys::kNixos, "nixos");
  if (auto* n = node.Find("module")) {
    nixos.module_path = NonEmptyString(r, *n, "module").value_or("");
    module = r.At(*n);
  } else {
    r.Error(node, "nixos needs a 'module' (a .nix file, relative to the spec's directory)");
  }
  if (auto* n = node.Find("rebuild")) {
    auto rebuild = r.String(*n, "rebuild");
    if (rebuild == "switch") {
      nixos.rebuild = NixosSpec::Rebuild::kSwitch;
    } else if (rebuild == "test") {
      nixos.rebuild = NixosSpec::Rebuild::kTest;
    } else if (rebuild) {
      r.Error(*n, fmt::format("'rebuild' must be 'switch' or 'test', got '{}'",
                              rebuild->substr(0, 20)));
    }
  }
}

void DecodeStep(const YamlNode& node, YamlReader& r, StepSpec& step, RoleSources& where,
                size_t index) {
  step.location = r.At(node);
  if (!r.ExpectMap(node, "steps item")) return;
  r.CheckKeys(node, keys::kStep, "step");
  if (auto* n = node.Find("name")) {
    step.name = NonEmptyString(r, *n, "name").value_or("");
  } else {
    r.Error(node, "step needs a 'name'");
  }
  const YamlNode* nixos = node.Find("nixos");
  if (nixos) {
    SourceLocation module;
    DecodeNixos(*nixos, r, step.nixos.emplace(), module);
    if (!step.nixos->module_path.empty()) where.modules.push_back({index, module});
    for (std::string_view key : {"run", "check"}) {
      if (auto* n = node.Find(key)) {
        r.Error(*n,
                fmt::format(
                    "a nixos step cannot have '{}': it rebuilds whenever its module changed", key));
      }
    }
  }
  if (auto* n = node.Find("run")) {
    if (auto run = NonEmptyString(r, *n, "run"); run && !nixos) {
      step.run = *run;
      AddTemplate(r, *n, step.run, /*shell=*/true, where);
    }
  } else if (!nixos && !node.Find("files")) {
    r.Error(node, "step needs 'run', 'files' or 'nixos'");
  } else if (auto* n = node.Find("check"); n && !nixos) {
    r.Error(*n, "'check' gates 'run', and this step has no 'run'");
  }
  if (auto* n = node.Find("check"); n && !nixos) {
    if (auto check = NonEmptyString(r, *n, "check")) {
      step.check = *check;
      AddTemplate(r, *n, step.check, /*shell=*/true, where);
    }
  }
  if (auto* n = node.Find("files")) {
    if (r.ExpectList(*n, "files")) {
      std::set<std::string> paths;
      for (const auto& item : n->items) {
        FileSpec file;
        DecodeFile(item, r, file, where);
        if (!file.path.empty() && !paths.insert(file.path).second) {
          r.Error(item,
                  fmt::format("file '{}' is listed twice in this step", file.path.substr(0, 70)));
        }
        step.files.push_back(std::move(file));
      }
    }
  }
}

void DecodeOutputs(const YamlNode& node, YamlReader& r, RoleSpec& role, RoleSources& where) {
  if (!r.ExpectMap(node, "outputs")) return;
  for (const auto& [key, body] : node.entries) {
    RequireIdentifier(r, key, "output name");
    OutputSpec output{key.value, "", false};
    const YamlNode* command = &body;
    if (body.kind == YamlNode::Kind::kMap) {
      r.CheckKeys(body, keys::kOutput, fmt::format("output '{}'", key.value));
      command = body.Find("command");
      if (!command) r.Error(key, fmt::format("output '{}' needs a 'command'", key.value));
      if (auto* n = body.Find("secret")) output.secret = r.Bool(*n, "secret").value_or(false);
    }
    if (command) {
      if (auto text = NonEmptyString(r, *command, "command")) {
        output.command = *text;
        AddTemplate(r, *command, output.command, /*shell=*/true, where);
      }
    }
    role.outputs.push_back(std::move(output));
  }
}

void DecodeRole(const YamlNode& key, const YamlNode& body, YamlReader& r, RoleSpec& role,
                RoleSources& where) {
  if (!r.ExpectMap(body, key.value)) return;
  r.CheckKeys(body, keys::kRole, fmt::format("role '{}'", key.value));
  if (auto* n = body.Find("after")) DecodeStringList(r, *n, "after", role.after, where.after);
  if (auto* n = body.Find("steps")) {
    if (r.ExpectList(*n, "steps")) {
      if (n->items.empty()) r.Error(*n, fmt::format("role '{}' has no steps", key.value));
      std::set<std::string> names;
      for (const auto& item : n->items) {
        StepSpec step;
        DecodeStep(item, r, step, where, role.steps.size());
        if (!step.name.empty() && !names.insert(step.name).second) {
          r.Error(item, fmt::format("step name '{}' is used twice in role '{}'",
                                    step.name.substr(0, 70), key.value));
        }
        role.steps.push_back(std::move(step));
      }
      // Its module would be /etc/nixos/reconcile/default.nix, the imports file.
      const bool nixos = std::any_of(role.steps.begin(), role.steps.end(),
                                     [](const StepSpec& step) { return step.nixos.has_value(); });
      if (nixos && key.value == "default") {
        r.Error(key, "a role with a nixos step cannot be named 'default' (its module would be "
                     "/etc/nixos/reconcile/default.nix, which reconcile manages)");
      }
    }
  } else {
    r.Error(key, fmt::format("role '{}' needs 'steps'", key.value));
  }
  if (auto* n = body.Find("outputs")) DecodeOutputs(*n, r, role, where);
}

}  // namespace

void DecodeRoles(const YamlNode& node, YamlReader& r, Spec& spec, SpecSources& sources) {
  if (!r.ExpectMap(node, "roles")) return;
  for (const auto& [key, body] : node.entries) {
    RoleSpec role;
    RoleSources where;
    DecodeEntryName(r, key, "role", role, where);
    DecodeRole(key, body, r, role, where);
    spec.roles.push_back(std::move(role));
    sources.roles.push_back(std::move(where));
  }
}

}  // namespace reconcile::model
