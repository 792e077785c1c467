#include "model/role_hasher.h"

#include <string>
#include <utility>

#include "fmt/format.h"
#include "model/canonical_field.h"

namespace reconcile::model {
namespace {

// Role hashes keep runtime references as their reference text (model/expand.h).
constexpr Missing kMissing = Missing::kKeepReference;

// The only references whose values differ between nodes of one group.
bool ReadsSelf(const TemplateRef& ref) {
  using Kind = TemplateRef::Kind;
  return ref.kind == Kind::kSelfName || ref.kind == Kind::kSelfIp ||
         ref.kind == Kind::kSelfIndex || ref.kind == Kind::kSelfGroup;
}

// `tmpl` with every reference but self.* ones replaced by its rendering under
// `context`. Render concatenates the parts' renderings, each depending only on
// its own reference, so rendering the result under a context that differs
// from `context` only in self.* gives what rendering `tmpl` would.
absl::StatusOr<Template> RenderAllButSelf(const Template& tmpl, const RenderContext& context,
                                          Quoting quoting) {
  Template out;
  std::string literal;
  for (const Template::Part& part : tmpl.parts) {
    if (!part.ref) {
      literal += part.literal;
    } else if (!ReadsSelf(*part.ref)) {
      Template one;
      one.parts.push_back(part);
      if (absl::Status status = RenderTo(literal, one, context, quoting, kMissing); !status.ok()) {
        return status;
      }
    } else {
      if (!literal.empty()) out.parts.push_back({std::exchange(literal, {}), std::nullopt});
      out.parts.push_back(part);
    }
  }
  if (!literal.empty()) out.parts.push_back({std::move(literal), std::nullopt});
  return out;
}

bool IsLiteral(const Template& tmpl) {
  for (const Template::Part& part : tmpl.parts) {
    if (part.ref) return false;
  }
  return true;
}

}  // namespace

// The fields and their order are those of the canonical form; changing either
// changes every recorded role hash.
RoleHasher::RoleHasher(const RoleSpec& role) {
  parts_.push_back({.text = "role/v1\n"});
  AddField("name", role.name);
  for (const auto& after : role.after) AddField("after", after);
  for (const auto& step : role.steps) {
    AddField("step", step.name);
    AddTemplate("run", step.run, Quoting::kShell);
    AddTemplate("check", step.check, Quoting::kShell);
    for (const auto& file : step.files) {
      AddField("file", file.path);
      AddTemplate("content", file.content, Quoting::kNone);
      AddField("mode", std::to_string(file.mode));
      AddField("owner", file.owner);
    }
    // Only present for nixos steps, so the hashes of other roles are unchanged.
    if (step.nixos) {
      AddField("nixos", step.nixos->module_path);
      AddTemplate("module", step.nixos->module, Quoting::kNone);
      AddField("rebuild", step.nixos->rebuild == NixosSpec::Rebuild::kTest ? "test" : "switch");
    }
  }
  for (const auto& output : role.outputs) {
    AddField("output", output.name);
    AddTemplate("command", output.command, Quoting::kShell);
    AddField("secret", output.secret ? "true" : "false");
  }
}

void RoleHasher::AddField(std::string_view key, std::string_view value) {
  if (!parts_.back().error.ok()) return;  // the hash is that error
  if (parts_.back().value) parts_.emplace_back();
  AppendField(parts_.back().text, key, value);
}

void RoleHasher::AddTemplate(std::string_view key, const std::string& text, Quoting quoting) {
  if (!parts_.back().error.ok()) return;
  CanonicalRolePart& part = parts_.emplace_back();
  part.text = std::string(key);
  part.quoting = quoting;
  Template parsed;
  if (auto error = ParseTemplate(text, parsed)) {
    part.error = absl::InvalidArgumentError(fmt::format("{}: {}", key, error->message));
  } else {
    part.value = std::move(parsed);
  }
}

GroupRoleHasher RoleHasher::ForGroup(const RenderContext& group_context) const {
  GroupRoleHasher hasher;
  std::vector<CanonicalRolePart>& rest = hasher.rest_;
  auto append_text = [&rest](std::string_view text) {
    if (rest.empty() || rest.back().value || !rest.back().error.ok()) rest.emplace_back();
    rest.back().text.append(text);
  };
  for (const CanonicalRolePart& part : parts_) {
    if (!part.error.ok()) {
      rest.push_back(part);
      break;
    }
    if (!part.value) {
      append_text(part.text);
      continue;
    }
    absl::StatusOr<Template> partial = RenderAllButSelf(*part.value, group_context, part.quoting);
    if (!partial.ok()) {
      rest.push_back({.error = partial.status()});
      break;
    }
    if (IsLiteral(*partial)) {  // the same on every node: rendered once, here
      std::string field;
      AppendField(field, part.text, partial->parts.empty() ? "" : partial->parts[0].literal);
      append_text(field);
    } else {
      rest.push_back({.text = part.text, .value = *std::move(partial), .quoting = part.quoting});
    }
  }
  // Hash the shared leading text once.
  if (!rest.empty() && !rest.front().value && rest.front().error.ok()) {
    hasher.prefix_.Update(rest.front().text);
    rest.erase(rest.begin());
  }
  if (rest.empty()) hasher.same_for_all_ = Sha256(hasher.prefix_).FinishHex();
  return hasher;
}

absl::StatusOr<std::string> GroupRoleHasher::Hash(const RenderContext& node_context) {
  if (same_for_all_) return *same_for_all_;
  Sha256 sha = prefix_;
  for (const CanonicalRolePart& part : rest_) {
    if (!part.error.ok()) return part.error;
    if (!part.value) {
      sha.Update(part.text);
      continue;
    }
    rendered_.clear();
    if (absl::Status status = RenderTo(rendered_, *part.value, node_context, part.quoting, kMissing);
        !status.ok()) {
      return status;
    }
    field_.clear();
    AppendField(field_, part.text, rendered_);
    sha.Update(field_);
  }
  return sha.FinishHex();
}

}  // namespace reconcile::model
