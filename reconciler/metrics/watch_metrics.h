// What `reconcile watch --listen` exposes: the watch loop's passes turned into
// Prometheus metrics, and the health verdict behind /healthz.
//
// Fed by the loop (WatchOptions::on_pass_done) on its thread, read by the HTTP
// server on another. Only counts and names leave here (action kinds, outcomes,
// node states, group names): never a variable, output or command.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "model/node.h"
#include "model/spec_revision.h"
#include "reconciler/metrics/registry.h"
#include "reconciler/watch.h"

namespace reconcile::metrics {

struct Health {
  bool healthy = false;
  std::string reason;  // "ok", or why not
};

// One pass's result label: converged, changed, problems, failed or error.
std::string PassResultLabel(const PassSummary& summary);
// A desired node's state for the nodes gauge: ready (running and the probe
// answered), unreachable (running, no probe), missing, paused, shut_off,
// crashed, other, unmanaged (a foreign domain holds the name), existing.
std::string NodeStateLabel(const model::Node& node, const model::ObservedState& observed);
// The same with the node's domain already looked up (nullptr: none).
std::string NodeStateLabel(const model::Node& node, const model::ObservedDomain* domain,
                           const model::ObservedState& observed);

class WatchMetrics {
 public:
  WatchMetrics();

  // The loop started (up = 1) with this drift-check interval.
  void Started(absl::Time now, absl::Duration interval);
  // The loop returned (up = 0): /healthz turns 503.
  void Stopped();
  // A pass finished; `result` is null when the pass could not run at all.
  void PassDone(const PassSummary& summary, const PassResult* result,
                const std::vector<model::Node>& nodes, absl::Time now);
  // The spec file changed: what the next passes do is the new spec, not drift.
  void SpecReloaded();
  // --git: the commits seen, desired, applied and refused, and the fetches
  // (reconcile_*_commit_info{branch, commit}, reconcile_git_*). Declared on
  // the first call, so a watch of a file exposes none of them.
  void RevisionChanged(const model::SpecRevision& revision, model::RevisionEvent event);

  // Healthy while the loop runs and passes keep finishing: the last one ended
  // no longer ago than its planned wait plus two intervals (three intervals
  // at least, so a long first apply is not reported dead).
  Health HealthAt(absl::Time now) const;
  std::string Exposition() const { return registry_.Exposition(); }
  const Registry& registry() const { return registry_; }

 private:
  Registry registry_;
  mutable absl::Mutex mu_;
  bool up_ ABSL_GUARDED_BY(mu_) = false;
  absl::Duration interval_ ABSL_GUARDED_BY(mu_);
  absl::Time last_activity_ ABSL_GUARDED_BY(mu_);  // last pass end, or the start
  absl::Duration next_wait_ ABSL_GUARDED_BY(mu_);
  // True once a pass converged since the start or the last spec change:
  // actions after that correct drift.
  bool converged_once_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> git_declared_{false};
};

}  // namespace reconcile::metrics
