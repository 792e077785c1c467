// Templates in role steps: `{{ self.name }}`, `{{ role.db.outputs.url }}`, ...
//
// References:
//   self.name  self.ip  self.index  self.group      the node being configured
//   group.<g>.nodes  group.<g>.ips                  every node of group g, space-separated
//   group.<g>.count  group.<g>.cpus  group.<g>.memory_mib   g's size and each member's hardware
//   role.<r>.outputs.<k>                            output k captured from role r
//   vars.<v>                                        spec vars, overridden per group
// Filter: `{{ ref | raw }}` substitutes the value unquoted (for values that are
// themselves commands, such as a kubeadm join command); `{{ ref | csv }}` joins
// a list with commas (one shell word in commands). Without `raw`, values
// substituted into commands are shell-quoted; list values are quoted item by
// item so `for n in {{ group.web.nodes }}` still iterates. File contents are
// never quoted. `\{{` writes a literal `{{`.
//
// Parsing and rendering are pure: rendering takes every value it may use in a
// RenderContext.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace reconcile::model {

struct TemplateRef {
  enum class Kind { kSelfName, kSelfIp, kSelfIndex, kSelfGroup, kGroupNodes, kGroupIps,
                    kRoleOutput, kVar, kGroupCount, kGroupCpus, kGroupMemoryMib };
  Kind kind = Kind::kSelfName;
  std::string target;  // group name, role name or variable name
  std::string key;     // output name (kRoleOutput)
  bool raw = false;
  bool csv = false;    // lists joined with ',' instead of ' '
  size_t offset = 0;   // of the opening "{{" in the template text

  // Only known once the cluster runs (addresses, captured outputs).
  bool IsRuntime() const;
  // "{{ role.x.outputs.y | raw }}": the normal form of this reference.
  std::string Canonical() const;
};

struct Template {
  struct Part {
    std::string literal;              // used when ref is empty
    std::optional<TemplateRef> ref;
  };
  std::vector<Part> parts;
  std::vector<TemplateRef> Refs() const;
};

struct TemplateError {
  size_t offset;  // into the template text
  std::string message;
};

// Parses `text`; on failure returns the first problem with its offset.
std::optional<TemplateError> ParseTemplate(std::string_view text, Template& out);

struct RenderContext {
  std::string self_name;
  std::string self_group;
  int self_index = 0;
  std::optional<std::string> self_ip;
  std::map<std::string, std::vector<std::string>> group_nodes;
  std::map<std::string, std::vector<std::string>> group_ips;
  struct GroupFacts {
    int count = 0;
    int cpus = 0;
    uint64_t memory_mib = 0;
  };
  std::map<std::string, GroupFacts> groups;  // from the spec: known at load time
  std::map<std::string, std::map<std::string, std::string>> role_outputs;
  std::map<std::string, std::string> vars;
};

enum class Quoting { kShell, kNone };
// What to do with a reference the context has no value for.
enum class Missing { kError, kKeepReference };

absl::StatusOr<std::string> Render(const Template& tmpl, const RenderContext& context,
                                   Quoting quoting, Missing missing = Missing::kError);
// Render, appending to `out`, so a caller rendering many times reuses one
// buffer. On failure `out` holds the text rendered up to the failing reference.
absl::Status RenderTo(std::string& out, const Template& tmpl, const RenderContext& context,
                      Quoting quoting, Missing missing = Missing::kError);


}  // namespace reconcile::model
