// Every {{ reference }} in a role must resolve for every node that runs it.
#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include "fmt/format.h"
#include "model/names.h"
#include "model/role_graph.h"
#include "model/template.h"
#include "model/validate.h"

namespace reconcile::model {
namespace {

constexpr uint64_t kMaxRenderedTemplate = uint64_t{1} << 20;
constexpr uint64_t kMaxRenderedSpec = uint64_t{64} << 20;

SourceLocation AtOffset(const TemplateSource& source, size_t offset) {
  SourceLocation where = source.location;
  if (source.whole_file) {  // a file of its own: count lines up to the offset
    const std::string_view before = std::string_view(source.text).substr(0, offset);
    where.line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    const size_t line_start = before.rfind('\n');
    where.column = 1 + static_cast<int>(line_start == std::string_view::npos
                                            ? offset : offset - line_start - 1);
    return where;
  }
  if (source.plain && source.text.find('\n') == std::string::npos) {
    where.column += static_cast<int>(offset);
  }
  return where;
}

bool HasVar(const std::vector<Variable>& vars, const std::string& name) {
  for (const auto& var : vars) {
    if (var.name == name) return true;
  }
  return false;
}

std::vector<std::string> VarNames(const Spec& spec) {
  std::set<std::string> names;
  for (const auto& var : spec.vars) names.insert(var.name);
  for (const auto& group : spec.groups) {
    for (const auto& var : group.vars) names.insert(var.name);
  }
  return {names.begin(), names.end()};
}

class RoleChecker {
 public:
  RoleChecker(const Spec& spec, const RoleSpec& role, std::vector<const GroupSpec*> users,
              Diagnostics& out)
      : spec_(spec), role_(role), out_(out), users_(std::move(users)) {}

  // Returns an upper bound of the rendered size of the template per node.
  uint64_t Check(const TemplateSource& source) {
    Template parsed;
    if (auto error = ParseTemplate(source.text, parsed)) {
      out_.Add(AtOffset(source, error->offset), error->message);
      return 0;
    }
    uint64_t size = source.text.size();
    for (const TemplateRef& ref : parsed.Refs()) {
      if (auto problem = Problem(ref)) out_.Add(AtOffset(source, ref.offset), *problem);
      size += MaxValueSize(ref);
    }
    return size;
  }

 private:
  std::optional<std::string> Problem(const TemplateRef& ref) {
    using Kind = TemplateRef::Kind;
    switch (ref.kind) {
      case Kind::kGroupNodes:
      case Kind::kGroupIps:
      case Kind::kGroupCount:
      case Kind::kGroupCpus:
      case Kind::kGroupMemoryMib:
        if (spec_.FindGroup(ref.target)) return std::nullopt;
        return WithSuggestion(fmt::format("unknown group '{}' in {}", ref.target, ref.Canonical()),
                              ref.target, GroupNames());
      case Kind::kRoleOutput: return OutputProblem(ref);
      case Kind::kVar: return VarProblem(ref);
      default: return std::nullopt;
    }
  }

  std::optional<std::string> OutputProblem(const TemplateRef& ref) {
    const RoleSpec* source = spec_.FindRole(ref.target);
    if (!source) {
      std::vector<std::string> roles;
      for (const auto& r : spec_.roles) roles.push_back(r.name);
      return WithSuggestion(fmt::format("unknown role '{}' in {}", ref.target, ref.Canonical()),
                            ref.target, roles);
    }
    std::vector<std::string> outputs;
    for (const auto& o : source->outputs) outputs.push_back(o.name);
    if (std::find(outputs.begin(), outputs.end(), ref.key) == outputs.end()) {
      return WithSuggestion(fmt::format("role '{}' has no output '{}'", ref.target, ref.key),
                            ref.key, outputs);
    }
    if (source->name == role_.name) {
      return fmt::format(
          "role '{}' cannot use its own output '{}': outputs are captured after its steps",
          role_.name, ref.key);
    }
    if (!deps_) deps_ = RoleDependencies(spec_.roles, role_.name);  // only when needed
    if (!deps_->contains(source->name)) {
      return fmt::format(
          "role '{}' uses an output of role '{}' but does not run after it; add '{}' to its "
          "'after'",
          role_.name, source->name, source->name);
    }
    return std::nullopt;
  }

  std::optional<std::string> VarProblem(const TemplateRef& ref) {
    if (HasVar(spec_.vars, ref.target)) return std::nullopt;
    const std::vector<std::string> known = VarNames(spec_);
    if (users_.empty() || std::find(known.begin(), known.end(), ref.target) == known.end()) {
      if (std::any_of(spec_.groups.begin(), spec_.groups.end(),
                      [&](const GroupSpec& g) { return HasVar(g.vars, ref.target); })) {
        return std::nullopt;
      }
      return WithSuggestion(fmt::format("unknown variable '{}'", ref.target), ref.target,
                            VarNames(spec_));
    }
    for (const GroupSpec* group : users_) {
      if (!HasVar(group->vars, ref.target)) {
        return WithSuggestion(
            fmt::format("variable '{}' is not defined for group '{}', which has role '{}'",
                        ref.target, group->name, role_.name),
            ref.target, VarNames(spec_));
      }
    }
    return std::nullopt;
  }

  // Run-time values are unknown; the per-value bound covers outputs and
  // addresses, load-time lists are sized from the spec.
  uint64_t MaxValueSize(const TemplateRef& ref) const {
    using Kind = TemplateRef::Kind;
    constexpr uint64_t kRuntimeValue = 64;
    switch (ref.kind) {
      case Kind::kGroupNodes:
      case Kind::kGroupIps:
        if (const GroupSpec* group = spec_.FindGroup(ref.target)) {
          return static_cast<uint64_t>(group->count) * (spec_.cluster.size() + group->name.size() + 48);
        }
        return 0;
      case Kind::kVar: {
        uint64_t size = 0;
        for (const auto& var : spec_.vars) {
          if (var.name == ref.target) size = std::max<uint64_t>(size, var.value.size() * 4 + 2);
        }
        for (const GroupSpec* group : users_) {
          for (const auto& var : group->vars) {
            if (var.name == ref.target) size = std::max<uint64_t>(size, var.value.size() * 4 + 2);
          }
        }
        return size;
      }
      default: return kRuntimeValue;
    }
  }

  std::vector<std::string> GroupNames() const {
    std::vector<std::string> names;
    for (const auto& g : spec_.groups) names.push_back(g.name);
    return names;
  }

  static std::string WithSuggestion(std::string message, std::string_view word,
                                    const std::vector<std::string>& candidates) {
    if (auto suggestion = ClosestMatch(word, candidates)) {
      fmt::format_to(std::back_inserter(message), ", did you mean '{}'?", *suggestion);
    }
    return message;
  }

  const Spec& spec_;
  const RoleSpec& role_;
  Diagnostics& out_;
  std::optional<std::set<std::string>> deps_;
  const std::vector<const GroupSpec*> users_;
};

}  // namespace

void ValidateTemplates(const Spec& spec, const SpecSources& sources, Diagnostics& diagnostics) {
  std::map<std::string, std::vector<const GroupSpec*>> users;
  for (const auto& group : spec.groups) {
    for (const auto& role : group.roles) users[role].push_back(&group);
  }
  uint64_t total = 0;
  for (size_t r = 0; r < spec.roles.size(); ++r) {
    const RoleSpec& role = spec.roles[r];
    RoleChecker checker(spec, role, users[role.name], diagnostics);
    uint64_t per_node = 0;
    for (const auto& source : sources.roles[r].templates) {
      const uint64_t size = checker.Check(source);
      per_node += size;
      if (size > kMaxRenderedTemplate) {
        diagnostics.Add(
            source.location,
            fmt::format("this template can render to {} KiB per node; the limit is {} KiB",
                        size / 1024, kMaxRenderedTemplate / 1024));
      }
    }
    uint64_t nodes = 0;
    for (const GroupSpec* group : users[role.name]) nodes += static_cast<uint64_t>(group->count);
    total += per_node * nodes;
  }
  // Expansion renders every role once per node to hash it; bound that work.
  if (total > kMaxRenderedSpec) {
    SourceLocation where = sources.cluster;
    if (where.line == 0) where = {spec.source_path, 1, 1};  // no cluster key: top of file
    diagnostics.Add(where, fmt::format("roles render to about {} MiB across all nodes; the limit "
                                       "is {} MiB (fewer nodes or smaller templates)",
                                       total >> 20, kMaxRenderedSpec >> 20));
  }
}

}  // namespace reconcile::model
