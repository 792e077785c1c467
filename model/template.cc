#include "model/template.h"

#include <algorithm>

#include "base/shell_quote.h"
#include "base/text.h"
#include "fmt/format.h"

namespace reconcile::model {
namespace {

constexpr std::string_view kExpected =
    "expected self.name, self.ip, self.index, self.group, group.<g>.nodes, group.<g>.ips, "
    "group.<g>.count, group.<g>.cpus, group.<g>.memory_mib, role.<r>.outputs.<k> or vars.<v>";

std::optional<std::string> ParseExpression(std::string_view inner, TemplateRef& ref);

std::optional<std::string> ParseReference(std::string_view inner, TemplateRef& ref) {
  if (auto problem = ParseExpression(inner, ref)) return problem;
  using Kind = TemplateRef::Kind;
  if (ref.csv && ref.kind != Kind::kGroupNodes && ref.kind != Kind::kGroupIps) {
    return fmt::format("'csv' joins lists; {} is not one",
                       Strip(Split(inner, '|')[0]).substr(0, 60));
  }
  return std::nullopt;
}

std::optional<std::string> ParseExpression(std::string_view inner, TemplateRef& ref) {
  std::vector<std::string_view> pipe = Split(inner, '|');
  if (pipe.size() > 2) return "at most one filter is allowed";
  if (pipe.size() == 2) {
    std::string_view filter = Strip(pipe[1]);
    if (filter == "raw") {
      ref.raw = true;
    } else if (filter == "csv") {
      ref.csv = true;
    } else {
      return fmt::format("unknown filter '{}'; the filters are 'raw' and 'csv'", filter);
    }
  }
  std::string_view expr = Strip(pipe[0]);
  std::vector<std::string_view> parts = Split(expr, '.');
  auto unknown = [&] {
    return fmt::format("unknown reference '{}'; {}", expr.substr(0, 60), kExpected);
  };
  if (std::any_of(parts.begin(), parts.end(), [](std::string_view p) { return p.empty(); })) {
    return unknown();
  }
  using Kind = TemplateRef::Kind;
  if (parts.size() == 2 && parts[0] == "self") {
    if (parts[1] == "name") ref.kind = Kind::kSelfName;
    else if (parts[1] == "ip") ref.kind = Kind::kSelfIp;
    else if (parts[1] == "index") ref.kind = Kind::kSelfIndex;
    else if (parts[1] == "group") ref.kind = Kind::kSelfGroup;
    else return unknown();
    return std::nullopt;
  }
  if (parts.size() == 3 && parts[0] == "group" && (parts[2] == "nodes" || parts[2] == "ips")) {
    ref.kind = parts[2] == "nodes" ? Kind::kGroupNodes : Kind::kGroupIps;
    ref.target = std::string(parts[1]);
    return std::nullopt;
  }
  if (parts.size() == 3 && parts[0] == "group" &&
      (parts[2] == "count" || parts[2] == "cpus" || parts[2] == "memory_mib")) {
    ref.kind = parts[2] == "count" ? Kind::kGroupCount
               : parts[2] == "cpus" ? Kind::kGroupCpus : Kind::kGroupMemoryMib;
    ref.target = std::string(parts[1]);
    return std::nullopt;
  }
  if (parts.size() == 4 && parts[0] == "role" && parts[2] == "outputs") {
    ref.kind = Kind::kRoleOutput;
    ref.target = std::string(parts[1]);
    ref.key = std::string(parts[3]);
    return std::nullopt;
  }
  if (parts.size() == 2 && parts[0] == "vars") {
    ref.kind = Kind::kVar;
    ref.target = std::string(parts[1]);
    return std::nullopt;
  }
  return unknown();
}

std::string QuoteList(const std::vector<std::string>& items, Quoting quoting, bool raw, bool csv) {
  if (csv) {  // one word: commas cannot split it, so quote it whole
    const std::string joined = fmt::format("{}", fmt::join(items, ","));
    return quoting == Quoting::kNone || raw ? joined : ShellQuote(joined);
  }
  if (quoting == Quoting::kNone || raw) return fmt::format("{}", fmt::join(items, " "));
  std::vector<std::string> quoted;
  for (const auto& item : items) quoted.push_back(ShellQuote(item));
  return fmt::format("{}", fmt::join(quoted, " "));
}

}  // namespace

bool TemplateRef::IsRuntime() const {
  return kind == Kind::kSelfIp || kind == Kind::kGroupIps || kind == Kind::kRoleOutput;
}

std::string TemplateRef::Canonical() const {
  std::string expr;
  switch (kind) {
    case Kind::kSelfName: expr = "self.name"; break;
    case Kind::kSelfIp: expr = "self.ip"; break;
    case Kind::kSelfIndex: expr = "self.index"; break;
    case Kind::kSelfGroup: expr = "self.group"; break;
    case Kind::kGroupNodes:
      expr = fmt::format("group.{}.nodes", target);
      break;
    case Kind::kGroupIps:
      expr = fmt::format("group.{}.ips", target);
      break;
    case Kind::kRoleOutput:
      expr = fmt::format("role.{}.outputs.{}", target, key);
      break;
    case Kind::kVar:
      expr = fmt::format("vars.{}", target);
      break;
    case Kind::kGroupCount:
      expr = fmt::format("group.{}.count", target);
      break;
    case Kind::kGroupCpus:
      expr = fmt::format("group.{}.cpus", target);
      break;
    case Kind::kGroupMemoryMib:
      expr = fmt::format("group.{}.memory_mib", target);
      break;
  }
  return fmt::format("{{{{ {}{}{} }}}}", expr, raw ? " | raw" : "", csv ? " | csv" : "");
}

std::vector<TemplateRef> Template::Refs() const {
  std::vector<TemplateRef> refs;
  for (const auto& part : parts) {
    if (part.ref) refs.push_back(*part.ref);
  }
  return refs;
}

std::optional<TemplateError> ParseTemplate(std::string_view text, Template& out) {
  out.parts.clear();
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "\\{{") == 0) {
      literal += "{{";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "{{") != 0) {
      // Copy up to the next brace pair or escape in one go.
      size_t next = std::min(text.find("{{", i), text.find("\\{{", i));
      if (next == std::string_view::npos) next = text.size();
      if (next == i) next = i + 1;
      literal.append(text.substr(i, next - i));
      i = next;
      continue;
    }
    size_t close = text.find("}}", i + 2);
    if (close == std::string_view::npos) {
      return TemplateError{i, "'{{' is never closed with '}}' (write \\{{ for a literal '{{')"};
    }
    TemplateRef ref;
    ref.offset = i;
    if (auto problem = ParseReference(text.substr(i + 2, close - i - 2), ref)) {
      return TemplateError{i, *problem};
    }
    if (!literal.empty()) out.parts.push_back({std::move(literal), std::nullopt});
    literal.clear();
    out.parts.push_back({"", std::move(ref)});
    i = close + 2;
  }
  if (!literal.empty()) out.parts.push_back({std::move(literal), std::nullopt});
  return std::nullopt;
}

absl::StatusOr<std::string> Render(const Template& tmpl, const RenderContext& context,
                                   Quoting quoting, Missing missing) {
  std::string out;
  if (absl::Status status = RenderTo(out, tmpl, context, quoting, missing); !status.ok()) {
    return status;
  }
  return out;
}

absl::Status RenderTo(std::string& out, const Template& tmpl, const RenderContext& context,
                      Quoting quoting, Missing missing) {
  using Kind = TemplateRef::Kind;
  for (const auto& part : tmpl.parts) {
    if (!part.ref) {
      out += part.literal;
      continue;
    }
    const TemplateRef& ref = *part.ref;
    std::optional<std::string> scalar;
    const std::vector<std::string>* list = nullptr;
    switch (ref.kind) {
      case Kind::kSelfName: scalar = context.self_name; break;
      case Kind::kSelfGroup: scalar = context.self_group; break;
      case Kind::kSelfIndex:
        scalar = fmt::format("{}", context.self_index);
        break;
      case Kind::kSelfIp: scalar = context.self_ip; break;
      case Kind::kGroupNodes:
      case Kind::kGroupIps: {
        const auto& lists = ref.kind == Kind::kGroupNodes ? context.group_nodes : context.group_ips;
        if (auto it = lists.find(ref.target); it != lists.end()) list = &it->second;
        break;
      }
      case Kind::kRoleOutput:
        if (auto role = context.role_outputs.find(ref.target); role != context.role_outputs.end()) {
          if (auto value = role->second.find(ref.key); value != role->second.end()) {
            scalar = value->second;
          }
        }
        break;
      case Kind::kVar:
        if (auto it = context.vars.find(ref.target); it != context.vars.end()) scalar = it->second;
        break;
      case Kind::kGroupCount:
      case Kind::kGroupCpus:
      case Kind::kGroupMemoryMib:
        if (auto it = context.groups.find(ref.target); it != context.groups.end()) {
          const auto& facts = it->second;
          scalar = ref.kind == Kind::kGroupCount  ? fmt::format("{}", facts.count)
                   : ref.kind == Kind::kGroupCpus ? fmt::format("{}", facts.cpus)
                                                  : fmt::format("{}", facts.memory_mib);
        }
        break;
    }
    if (list) {
      out += QuoteList(*list, quoting, ref.raw, ref.csv);
    } else if (scalar) {
      out += (quoting == Quoting::kShell && !ref.raw) ? ShellQuote(*scalar) : *scalar;
    } else if (missing == Missing::kKeepReference) {
      out += ref.Canonical();
    } else {
      return absl::FailedPreconditionError(fmt::format("no value for {} yet", ref.Canonical()));
    }
  }
  return absl::OkStatus();
}

}  // namespace reconcile::model
