// Rendering role templates at reconcile time. The static part of the context
// comes from model::StaticRenderContext; addresses and outputs are added by
// the caller as the pass learns them.
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

// Parses and renders one template (`what` names it in errors, e.g.
// "role web step 2 check").
absl::StatusOr<std::string> RenderText(std::string_view text, const model::RenderContext& context,
                                       model::Quoting quoting, std::string_view what);

// The probe's check id for step `step` (0-based) of `role`, and for the check
// that the role's uploaded files are unchanged.
std::string CheckId(std::string_view role, size_t step);
std::string FilesCheckId(std::string_view role);

}  // namespace reconcile
