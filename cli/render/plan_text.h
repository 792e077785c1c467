// The human form of a Plan, as `reconcile plan` and `reconcile apply` print it.
//
// One line per action in plan order: a right-aligned symbol (+ create, ~ start/
// update/configure, -/+ replace, - delete), the target (node, plus `[role]` for a
// configure), then `kind: reason`. Targets share one column so a thousand lines
// still scan down the page; orphans and deferred changes use the same columns,
// problems follow as `Error:` lines, and a Terraform-like summary ends it.
//
// Rendering is pure: the caller decides colour (see UseColor in
// terminal_text.h) and where the text goes. Reasons and messages are shown on
// one line with control characters escaped, so nothing in a plan can move the
// cursor or recolour the operator's terminal.
#pragma once

#include <string>

#include "cli/render/terminal_text.h"  // UseColor
#include "model/plan.h"

namespace reconcile::render {

// The whole plan text, ending in a newline. ANSI colour only when `color`.
std::string RenderPlanText(const model::Plan& plan, bool color);

// The summary line alone (no newline), e.g.
// "Plan: 3 to create, 0 to start, 1 to update, 2 to configure, 0 to replace, 1 to delete."
// or "No changes. The cluster matches the spec."
std::string PlanSummaryLine(const model::Plan& plan);

}  // namespace reconcile::render
