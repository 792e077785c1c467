#include "cli/metrics/status_board.h"

#include "cli/render/status_text.h"
#include "cli/render/revision_json.h"
#include "nlohmann/json.hpp"
#include "reconciler/metrics/watch_metrics.h"

namespace reconcile::cli {
namespace {

std::string Utc(absl::Time t) { return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()); }

// An action as the page lists it. Errors were redacted where they arose
// (ClusterActions), as for the watch log.
nlohmann::ordered_json ActionJson(const model::Action& action, const ActionResult& done) {
  return {{"kind", std::string(model::ActionKindName(action.kind))},
          {"node", action.node.empty() ? action.network : action.node},
          {"role", action.role},
          {"reason", action.reason},
          {"outcome", std::string(OutcomeName(done.outcome))},
          {"error", done.status.ok() ? "" : std::string(done.status.message())}};
}

// Compact JSON, invalid UTF-8 replaced (as RenderStatusJson does).
std::string Dump(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void StatusBoard::PassDone(const PassSummary& summary, const PassResult* result,
                           const model::Spec& spec, const std::vector<model::Node>& nodes,
                           absl::Time now) {
  nlohmann::ordered_json pass = {{"pass", summary.pass},
                                 {"finished", Utc(now)},
                                 {"result", metrics::PassResultLabel(summary)},
                                 {"summary", summary.Line()},
                                 {"actions", nlohmann::ordered_json::array()}};
  nlohmann::ordered_json status;  // null: the pass could not run
  if (result != nullptr) {
    for (const ActionResult& done : result->execution.results) {
      const model::Action& action = result->plan.actions.at(done.action_id);
      pass["actions"].push_back(ActionJson(action, done));
      if (converged_once_ && done.outcome == Outcome::kSucceeded) {
        nlohmann::ordered_json drift = ActionJson(action, done);
        drift["pass"] = summary.pass;
        drift["corrected"] = Utc(now);
        drift_.push_front(Dump(drift));
      }
    }
    std::vector<std::string> hosts;
    for (const model::HypervisorSpec& host : spec.Hosts()) hosts.push_back(host.name);
    const std::vector<render::NodeStatus> rows =
        render::BuildStatus(spec.cluster, nodes, result->observed, result->plan, hosts);
    status = render::StatusToJson(spec.cluster, rows, result->plan, result->observed, hosts);
  }
  if (summary.converged) converged_once_ = true;
  passes_.push_front(Dump(pass));
  if (passes_.size() > kPassesKept) passes_.pop_back();
  if (drift_.size() > kDriftKept) drift_.pop_back();

  std::string history = "{\"passes\": [";
  for (size_t i = 0; i < passes_.size(); ++i) history += (i ? ", " : "") + passes_[i];
  history += "], \"drift\": [";
  for (size_t i = 0; i < drift_.size(); ++i) history += (i ? ", " : "") + drift_[i];
  history += "]}\n";

  if (!status.is_null()) base_status_ = std::move(status);  // a failed pass keeps the last view
  std::string served = Served();
  absl::MutexLock lock(&mu_);
  status_json_ = std::move(served);
  history_json_ = std::move(history);
}

void StatusBoard::RevisionChanged(const model::SpecRevision& revision) {
  revision_ = revision;
  std::string served = Served();
  absl::MutexLock lock(&mu_);
  status_json_ = std::move(served);
}

std::string StatusBoard::Served() const {
  nlohmann::ordered_json served = base_status_;
  if (revision_) served["revision"] = render::RevisionToJson(*revision_);
  return served.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string StatusBoard::StatusJson() const {
  absl::MutexLock lock(&mu_);
  return status_json_;
}

std::string StatusBoard::HistoryJson() const {
  absl::MutexLock lock(&mu_);
  return history_json_;
}

}  // namespace reconcile::cli
