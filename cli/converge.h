// The passes of `apply` and `destroy`: each plan shown, deletes and replaces
// approved (cli/approval.h), each action's outcome printed as it finishes,
// and SIGINT a clean stop (cli/stop_signal.h).
#pragma once

#include <functional>
#include <istream>
#include <ostream>
#include <string_view>

#include "cli/cluster_session.h"
#include "cli/options.h"

namespace reconcile::cli {

// `apply FILE`: exactly one pass, whose plan `check` must accept (it is the
// saved one, so already approved); kAborted from it ends the pass unrun.
struct SavedPlanCheck {
  std::function<absl::Status(const model::Plan&, const model::ObservedState&)> check;
};

struct ConvergeResult {
  int exit_code = 1;  // 0 converged, 130 interrupted, 1 otherwise (declined, stopped, lock held)
  int deleted = 0;    // delete actions that succeeded
  int deleted_networks = 0;  // delete-network actions that succeeded
};

// Takes the cluster lock and runs passes until converged. `verb` names the
// command in the report ("Apply", "Destroy").
ConvergeResult Converge(ClusterSession& session, const ConvergeOptions& options,
                        std::string_view verb, std::istream& in, std::ostream& out,
                        std::ostream& err, const SavedPlanCheck* saved = nullptr);

}  // namespace reconcile::cli
