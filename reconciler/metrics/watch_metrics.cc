#include "reconciler/metrics/watch_metrics.h"

#include <map>
#include <string_view>
#include <utility>

#include "fmt/format.h"
#include "model/domain_index.h"

namespace reconcile::metrics {
namespace {

constexpr char kPasses[] = "reconcile_watch_passes_total";
constexpr char kPassDuration[] = "reconcile_watch_pass_duration_seconds";
constexpr char kLastPassDuration[] = "reconcile_watch_last_pass_duration_seconds";
constexpr char kLastPassTime[] = "reconcile_watch_last_pass_timestamp_seconds";
constexpr char kLastConverged[] = "reconcile_watch_last_converged_timestamp_seconds";
constexpr char kUp[] = "reconcile_watch_up";
constexpr char kActions[] = "reconcile_actions_total";
constexpr char kDrift[] = "reconcile_drift_corrections_total";
constexpr char kNodes[] = "reconcile_nodes";
constexpr char kProblems[] = "reconcile_plan_problems";
constexpr char kDeferred[] = "reconcile_rollout_deferred";
// --git: one info series per commit role, the commit as a label.
constexpr char kSeenCommit[] = "reconcile_seen_commit_info";
constexpr char kDesiredCommit[] = "reconcile_desired_commit_info";
constexpr char kAppliedCommit[] = "reconcile_applied_commit_info";
constexpr char kRefusedCommit[] = "reconcile_refused_commit_info";
constexpr char kRefusals[] = "reconcile_git_refused_commits_total";
constexpr char kFetchFailures[] = "reconcile_git_fetch_failures_total";
constexpr char kFetchOk[] = "reconcile_git_fetch_ok";
constexpr char kLastFetch[] = "reconcile_git_last_fetch_timestamp_seconds";

double UnixSeconds(absl::Time t) { return absl::ToDoubleSeconds(t - absl::UnixEpoch()); }

}  // namespace

std::string PassResultLabel(const PassSummary& summary) {
  if (!summary.error.empty()) return "error";
  if (summary.failed > 0) return "failed";
  if (summary.actions > 0) return "changed";
  return summary.converged ? "converged" : "problems";
}

std::string NodeStateLabel(const model::Node& node, const model::ObservedState& observed) {
  return NodeStateLabel(node, observed.FindDomain(node.name), observed);
}

std::string NodeStateLabel(const model::Node& node, const model::ObservedDomain* domain,
                           const model::ObservedState& observed) {
  if (node.existing) return "existing";
  if (domain == nullptr) return "missing";
  if (!domain->managed) return "unmanaged";
  if (domain->state == model::DomainState::kRunning) {
    const model::NodeProbe* probe = observed.FindProbe(node.name);
    return probe != nullptr && probe->status.ok() ? "ready" : "unreachable";
  }
  return std::string(model::DomainStateName(domain->state));
}

void WatchMetrics::RevisionChanged(const model::SpecRevision& revision, model::RevisionEvent event) {
  if (!git_declared_.exchange(true)) {
    registry_.Declare(kSeenCommit, "The branch's tip at the last fetch that worked (--git).",
                      MetricType::kGauge);
    registry_.Declare(kDesiredCommit, "The commit whose spec the watch converges to (--git).",
                      MetricType::kGauge);
    registry_.Declare(kAppliedCommit, "The last commit the cluster was found converged on (--git).",
                      MetricType::kGauge);
    registry_.Declare(kRefusedCommit,
                      "The tip refused because its spec does not load; the desired commit stays.",
                      MetricType::kGauge);
    registry_.Declare(kRefusals, "Commits refused because their spec did not load.",
                      MetricType::kCounter);
    registry_.Declare(kFetchFailures, "Fetches of the branch that failed.", MetricType::kCounter);
    registry_.Declare(kFetchOk, "1 when the last fetch of the branch worked.", MetricType::kGauge);
    registry_.Declare(kLastFetch, "Unix time of the last fetch that worked.", MetricType::kGauge);
    registry_.Add(kRefusals, {}, 0);
    registry_.Add(kFetchFailures, {}, 0);
  }
  for (auto [family, commit] : {std::pair{kSeenCommit, &revision.seen},
                                std::pair{kDesiredCommit, &revision.desired},
                                std::pair{kAppliedCommit, &revision.applied},
                                std::pair{kRefusedCommit, &revision.refused}}) {
    registry_.Clear(family);
    if (!commit->empty()) registry_.Set(family, {{"branch", revision.branch}, {"commit", *commit}}, 1);
  }
  if (event == model::RevisionEvent::kRefused) registry_.Add(kRefusals, {});
  if (event == model::RevisionEvent::kFetchFailed) registry_.Add(kFetchFailures, {});
  registry_.Set(kFetchOk, {}, revision.fetch_error.empty() ? 1 : 0);
  if (revision.last_fetch != absl::InfinitePast()) {
    registry_.Set(kLastFetch, {}, UnixSeconds(revision.last_fetch));
  }
}

WatchMetrics::WatchMetrics() {
  registry_.Declare(kPasses, "Watch passes by result (converged, changed, problems, failed, error).",
                    MetricType::kCounter);
  registry_.Declare(kPassDuration, "Wall time of one observe + plan + execute pass.",
                    MetricType::kHistogram, {0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600});
  registry_.Declare(kLastPassDuration, "Wall time of the last pass.", MetricType::kGauge);
  registry_.Declare(kLastPassTime, "Unix time the last pass finished.", MetricType::kGauge);
  registry_.Declare(kLastConverged, "Unix time of the last pass that found nothing to change.",
                    MetricType::kGauge);
  registry_.Declare(kUp, "1 while the watch loop runs.", MetricType::kGauge);
  registry_.Declare(kActions, "Actions executed, by kind and outcome.", MetricType::kCounter);
  registry_.Declare(kDrift,
                    "Actions that succeeded after the cluster had converged (drift fixed), by kind.",
                    MetricType::kCounter);
  registry_.Declare(kNodes, "Nodes of the spec by group and observed state (last pass).",
                    MetricType::kGauge);
  registry_.Declare(kProblems, "Problems the last plan refuses to act on.", MetricType::kGauge);
  registry_.Declare(kDeferred,
                    "Replacements and restarts the last plan held back, by group: non-zero "
                    "while a rollout waits on unavailable members.",
                    MetricType::kGauge);
  registry_.Set(kUp, {}, 0);
}

void WatchMetrics::Started(absl::Time now, absl::Duration interval) {
  absl::MutexLock lock(&mu_);
  up_ = true;
  interval_ = interval;
  last_activity_ = now;
  next_wait_ = absl::ZeroDuration();
  registry_.Set(kUp, {}, 1);
}

void WatchMetrics::Stopped() {
  absl::MutexLock lock(&mu_);
  up_ = false;
  registry_.Set(kUp, {}, 0);
}

void WatchMetrics::SpecReloaded() {
  absl::MutexLock lock(&mu_);
  converged_once_ = false;
}

void WatchMetrics::PassDone(const PassSummary& summary, const PassResult* result,
                            const std::vector<model::Node>& nodes, absl::Time now) {
  absl::MutexLock lock(&mu_);
  last_activity_ = now;
  next_wait_ = summary.next_wait;
  const double seconds = absl::ToDoubleSeconds(summary.elapsed);
  registry_.Add(kPasses, {{"result", PassResultLabel(summary)}});
  registry_.Observe(kPassDuration, {}, seconds);
  registry_.Set(kLastPassDuration, {}, seconds);
  registry_.Set(kLastPassTime, {}, UnixSeconds(now));
  if (result == nullptr) return;  // nothing observed: keep the last node counts

  for (const ActionResult& done : result->execution.results) {
    const model::Action& action = result->plan.actions.at(done.action_id);
    const std::string kind(model::ActionKindName(action.kind));
    registry_.Add(kActions, {{"kind", kind}, {"outcome", std::string(OutcomeName(done.outcome))}});
    if (converged_once_ && done.outcome == Outcome::kSucceeded) registry_.Add(kDrift, {{"kind", kind}});
  }
  std::map<std::pair<std::string, std::string>, int> by_state;
  const model::DomainIndex domains(result->observed.domains);
  for (const model::Node& node : nodes) {
    ++by_state[{node.group, NodeStateLabel(node, domains.Find(node.name), result->observed)}];
  }
  registry_.Clear(kNodes);
  for (const auto& [key, count] : by_state) {
    registry_.Set(kNodes, {{"group", key.first}, {"state", key.second}}, count);
  }
  registry_.Set(kProblems, {}, static_cast<double>(result->plan.problems.size()));
  std::map<std::string, int> deferred;
  std::map<std::string_view, std::string_view> group_of;
  for (const model::Node& node : nodes) {
    deferred.emplace(node.group, 0);
    group_of.emplace(node.name, node.group);
  }
  for (const model::PlanProblem& held : result->plan.deferred) {
    if (auto it = group_of.find(held.node); it != group_of.end()) ++deferred[std::string(it->second)];
  }
  registry_.Clear(kDeferred);
  for (const auto& [group, count] : deferred) registry_.Set(kDeferred, {{"group", group}}, count);
  if (summary.converged) {
    converged_once_ = true;
    registry_.Set(kLastConverged, {}, UnixSeconds(now));
  }
}

Health WatchMetrics::HealthAt(absl::Time now) const {
  absl::MutexLock lock(&mu_);
  if (!up_) return {false, "the watch loop is not running"};
  const absl::Duration limit = std::max(next_wait_ + 2 * interval_, 3 * interval_);
  const absl::Duration since = now - last_activity_;
  if (since > limit) {
    return {false, fmt::format("no pass finished for {} (limit {})", absl::FormatDuration(since),
                               absl::FormatDuration(limit))};
  }
  return {true, "ok"};
}

}  // namespace reconcile::metrics
