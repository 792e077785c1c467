// Watch: converge, then keep converging.
//
// After each pass the loop waits: not at all when the pass changed something
// (the next pass verifies it), the spec's interval when converged (drift
// check), and an exponential backoff when the pass failed, so errors never
// spin. A spec change ends the wait at once and is reloaded; a spec that no
// longer validates is reported and the last good one is kept. A stop request
// (SIGINT/SIGTERM) lets running actions finish and then returns.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "reconciler/backoff.h"
#include "reconciler/reconciler.h"

namespace reconcile {

// What ends a wait between passes.
class WatchEvents {
 public:
  enum class Event { kTimeout, kSpecChanged, kStop };
  virtual ~WatchEvents() = default;
  virtual Event WaitUntil(absl::Time deadline) = 0;
};

struct Desired {
  model::Spec spec;
  std::vector<model::Node> nodes;
};

// One line per pass for the log: what changed and how long it took.
struct PassSummary {
  int pass = 0;
  int actions = 0;
  int succeeded = 0;
  int failed = 0;
  int problems = 0;
  int deferred = 0;  // disruptions held back by a group's max_unavailable
  bool converged = false;
  absl::Duration elapsed;
  absl::Duration next_wait;
  std::string error;  // the pass could not run at all
  std::string Line() const;
};

struct WatchOptions {
  absl::Duration interval = absl::Minutes(5);
  // Take the interval from the current spec's policy.interval (so an edited
  // spec's interval applies) rather than `interval` (--interval was given).
  bool interval_from_spec = false;
  BackoffPolicy error_backoff{.initial = absl::Seconds(5), .max = absl::Minutes(5)};
  int max_passes = 0;  // 0: until stopped (tests bound it)
  // Called after each pass with its summary and result (null when the pass
  // could not run at all): metrics (reconciler/metrics/watch_metrics.h).
  std::function<void(const PassSummary&, const PassResult*)> on_pass_done;
};

// Runs until `events` says stop (or max_passes). `reload` re-reads the spec;
// `log` receives each pass's summary and any reload error. Returns OK on a
// clean stop.
absl::Status Watch(Reconciler& reconciler, WatchEvents& events, Clock& clock,
                   const std::function<absl::StatusOr<Desired>()>& reload,
                   const WatchOptions& options, const std::function<void(const std::string&)>& log,
                   const std::function<void(const PassResult&)>& on_pass = {});

}  // namespace reconcile
