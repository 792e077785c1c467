// The machine form of a Plan (`reconcile plan --json`): a stable document,
// specified field by field in docs/plan-json.md.
//
// Stability: within format_version "1" changes are additive only: keys keep
// their name, type and meaning; new keys (and new action kinds, each with its
// summary key) may appear, and readers ignore what they do not know. The renderer writes
// exactly the fields listed there and nothing else: a Plan holds names and
// display reasons, never spec values, and keeping the serialiser explicit keeps
// it that way when Plan grows.
#pragma once

#include <string>
#include <string_view>

#include "model/plan.h"
#include "nlohmann/json.hpp"

namespace reconcile::render {

inline constexpr std::string_view kPlanJsonFormatVersion = "1";

// The document as a value, keys in their documented order.
nlohmann::ordered_json PlanToJson(const model::Plan& plan, std::string_view cluster);

// The document as text: two-space indentation, a trailing newline. Invalid
// UTF-8 in a reason is replaced by U+FFFD rather than failing the render.
std::string RenderPlanJson(const model::Plan& plan, std::string_view cluster);

}  // namespace reconcile::render
