// The values a node's role templates may use (model/template.h), assembled
// from the spec, the expanded nodes and what this pass has learnt so far.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/node.h"
#include "model/spec.h"
#include "model/template.h"

namespace reconcile {

// Names, indices, groups and vars (group vars override spec vars); addresses
// and role outputs are left for the caller to fill in when it knows them.
model::RenderContext StaticContext(const model::Spec& spec, const std::vector<model::Node>& nodes,
                                   const model::Node& self);

// Parses and renders one template (`what` names it in errors, e.g.
// "role web step 2 check").
absl::StatusOr<std::string> RenderText(std::string_view text, const model::RenderContext& context,
                                       model::Quoting quoting, std::string_view what);

// The probe's check id for step `step` (0-based) of `role`.
std::string CheckId(std::string_view role, size_t step);

}  // namespace reconcile
