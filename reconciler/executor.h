// Execute: runs a Plan's action DAG.
//
// At most `parallel` actions run at once; an action starts when all of its
// dependencies succeeded. Retryable failures (reconciler/backoff.h) are retried
// up to `retries` times with exponential backoff and jitter; terminal ones are
// not. A failed action skips its dependants (transitively) but every
// independent action still runs: the report has one outcome per action.
// Cancelling (SIGINT/SIGTERM in watch) lets running actions finish and starts
// nothing new.
#pragma once

#include <atomic>
#include <functional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "model/plan.h"
#include "reconciler/backoff.h"

namespace reconcile {

// Performs one action against the real world (or a fake in tests).
class ActionRunner {
 public:
  virtual ~ActionRunner() = default;
  // Must return by `deadline` (or soon after) and be idempotent: a retry after
  // a failure half way must finish the job, not trip over its own remains.
  virtual absl::Status Run(const model::Action& action, absl::Time deadline) = 0;
};

enum class Outcome { kSucceeded, kFailed, kSkipped };
// "succeeded", "failed", "skipped": as metrics labels and the status page say it.
std::string_view OutcomeName(Outcome outcome);

struct ActionResult {
  int action_id = 0;
  Outcome outcome = Outcome::kSkipped;
  absl::Status status;  // the last attempt's error, or why it was skipped
  int attempts = 0;
  absl::Duration elapsed;
};

struct ExecutionReport {
  std::vector<ActionResult> results;  // indexed by action id
  int Count(Outcome outcome) const;
  bool AllSucceeded() const { return Count(Outcome::kSucceeded) == static_cast<int>(results.size()); }
  // True when some action failed with an error worth another pass.
  bool AnyRetryableFailure() const;
};

struct ExecutorOptions {
  int parallel = 8;
  int retries = 3;
  absl::Duration action_timeout = absl::Minutes(15);
  BackoffPolicy backoff;
  std::function<double()> random01;  // injected randomness for jitter; default 0.5
  // Called (from worker threads, serialised) as each action starts and ends.
  std::function<void(const model::Action&)> on_start;
  std::function<void(const model::Action&, const ActionResult&)> on_done;
  const std::atomic<bool>* cancel = nullptr;  // when set: start nothing new
};

ExecutionReport Execute(const model::Plan& plan, ActionRunner& runner,
                        const ExecutorOptions& options, Clock& clock);

}  // namespace reconcile
