// Progress lines for actions as they finish, shared by apply and watch.
#pragma once

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "model/plan.h"
#include "reconciler/executor.h"
#include "reconciler/reconciler.h"

namespace reconcile::cli {

// "[  9.8s] ok      ~ lab-cp-1 [control]  configure" (+ error, attempts).
std::string ProgressLine(const model::Action& action, const ActionResult& result,
                         absl::Duration since_start);

// "Apply complete: converged after 2 passes in 31.2s." or why it stopped
// ("Apply stopped after 1 pass in 0.4s: ..."), on one line; `verb` names the
// command ("Apply", "Destroy").
std::string ReportLine(std::string_view verb, const ApplyOutcome& outcome, absl::Duration elapsed);

}  // namespace reconcile::cli
