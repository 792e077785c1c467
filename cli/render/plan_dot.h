// `reconcile graph`: a Plan's action DAG as Graphviz DOT. One node per action
// (labelled with its kind, role and machine), one edge per dependency, in
// action id order so the text is stable; then what the plan does not act on,
// each kind in a dashed cluster of its own beside the DAG: problems (p0, p1,
// ...), deferred changes (d0, ...) and orphans (o0, ...). Pure: values in,
// text out.
#pragma once

#include <string>

#include "model/plan.h"

namespace reconcile::render {

std::string RenderPlanDot(const model::Plan& plan, const std::string& cluster);

// Text inside a DOT double-quoted string: backslash, quote and newline escaped
// so that labels show exactly the text (no \N, \G or \l expansion).
std::string DotQuoted(const std::string& text);

}  // namespace reconcile::render
