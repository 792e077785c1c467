// Role hashes (model/expand.h) for many nodes at a time. Expansion hashes
// every role of every node; done naively that re-parses each template and
// re-renders and re-hashes the same text per node. Here a role's templates are
// parsed once; per group, every field whose template does not read self.* is
// rendered once and the leading such fields are hashed once; a node then only
// renders its self.* references and hashes what follows that shared prefix.
// The canonical text, and so every hash, is exactly RoleHash's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/sha256.h"
#include "model/spec.h"
#include "model/template.h"

namespace reconcile::model {

// The canonical text of a role, in order: whole fields as text, and the
// templated fields still to render.
struct CanonicalRolePart {
  std::string text;  // canonical text of whole fields, or a templated field's key
  std::optional<Template> value;  // a templated field: rendered with `quoting`
  Quoting quoting = Quoting::kNone;
  absl::Status error;  // the field could not be parsed or rendered; nothing follows
};

// One role's hash for the nodes of one group.
class GroupRoleHasher {
 public:
  // `node_context` is the group's context (ForGroup) with only self.* changed.
  // Not const: it reuses its buffers from node to node.
  absl::StatusOr<std::string> Hash(const RenderContext& node_context);

 private:
  friend class RoleHasher;
  Sha256 prefix_;  // state after the text that leads every node's canonical form
  std::vector<CanonicalRolePart> rest_;
  std::optional<std::string> same_for_all_;  // nothing reads self.*: the hash
  std::string rendered_;
  std::string field_;
};

class RoleHasher {
 public:
  explicit RoleHasher(const RoleSpec& role);  // parses its templates
  // For nodes whose contexts are `group_context` with self.* changed.
  GroupRoleHasher ForGroup(const RenderContext& group_context) const;

 private:
  void AddField(std::string_view key, std::string_view value);
  void AddTemplate(std::string_view key, const std::string& text, Quoting quoting);

  std::vector<CanonicalRolePart> parts_;  // ends at the first unparsable template
};

}  // namespace reconcile::model
