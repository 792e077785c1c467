// libFuzzer target for the plan renderers: a Plan built from arbitrary bytes
// (names, roles, reasons and messages with any bytes, invalid UTF-8 and
// control characters included; dependency ids in or out of range) must render
// as JSON that nlohmann::json parses back to the same shape, with every
// action's fields where docs/plan-json.md puts them, and as human text,
// without a crash, sanitizer report or exception.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "cli/render/plan_json.h"
#include "cli/render/plan_text.h"
#include "model/plan.h"
#include "model/utf8.h"
#include "nlohmann/json.hpp"

namespace {

using reconcile::model::Action;
using reconcile::model::ActionKind;
using reconcile::model::Plan;
using reconcile::model::PlanProblem;

void Check(bool ok) {
  if (!ok) std::abort();
}

std::string Text(FuzzedDataProvider& in) { return in.ConsumeRandomLengthString(64); }

Plan PlanFrom(FuzzedDataProvider& in) {
  Plan plan;
  const int actions = in.ConsumeIntegralInRange(0, 24);
  for (int i = 0; i < actions; ++i) {
    Action a;
    a.id = i;
    a.kind = static_cast<ActionKind>(in.ConsumeIntegralInRange(0, 5));
    a.node = Text(in);
    if (a.kind == ActionKind::kConfigure) a.role = Text(in);
    a.reason = Text(in);
    a.restart = in.ConsumeBool();
    a.host = in.ConsumeBool() ? Text(in) : "";
    const int deps = in.ConsumeIntegralInRange(0, 3);
    for (int d = 0; d < deps; ++d) a.depends_on.push_back(in.ConsumeIntegralInRange(0, i));
    plan.actions.push_back(std::move(a));
  }
  const int extra = in.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < extra; ++i) {
    switch (in.ConsumeIntegralInRange(0, 2)) {
      case 0: plan.orphans.push_back(Text(in)); break;
      case 1: plan.problems.push_back(PlanProblem{Text(in), Text(in), Text(in)}); break;
      default: plan.deferred.push_back(PlanProblem{Text(in), Text(in), ""}); break;
    }
  }
  return plan;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string cluster = in.ConsumeRandomLengthString(32);
  const Plan plan = PlanFrom(in);

  const std::string text = reconcile::render::RenderPlanJson(plan, cluster);
  Check(!text.empty() && text.back() == '\n');
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  Check(!doc.is_discarded());  // always one valid JSON document
  Check(doc.value("format_version", "") == "1");
  Check(doc.at("converged").get<bool>() == plan.converged());
  const nlohmann::json& actions = doc.at("actions");
  Check(actions.is_array() && actions.size() == plan.actions.size());
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    const Action& a = plan.actions[i];
    Check(actions[i].at("id").get<int>() == a.id);
    Check(actions[i].at("kind").get<std::string>() == reconcile::model::ActionKindName(a.kind));
    Check(actions[i].at("depends_on").size() == a.depends_on.size());
    // Valid UTF-8 comes back byte for byte; anything else is replaced, never dropped whole.
    if (!reconcile::model::FindInvalidUtf8(a.node)) {
      Check(actions[i].at("node").get<std::string>() == a.node);
    }
  }
  (void)reconcile::render::RenderPlanText(plan, /*color=*/in.ConsumeBool());
  return 0;
}
