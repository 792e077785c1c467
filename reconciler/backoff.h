// Retry policy: which errors are worth retrying, and how long to wait.
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace reconcile {

// Truncated exponential backoff with proportional jitter.
struct BackoffPolicy {
  absl::Duration initial = absl::Seconds(1);
  absl::Duration max = absl::Seconds(30);
  double multiplier = 2.0;
  double jitter = 0.2;  // the delay varies by up to +-20%
};

// The wait before retry `attempt` (1 = the first retry). `random01` is a
// uniform sample in [0, 1) from the caller's injected source.
absl::Duration BackoffDelay(const BackoffPolicy& policy, int attempt, double random01);

// kUnavailable, kDeadlineExceeded, kAborted and kResourceExhausted may succeed
// later; everything else is terminal until the spec or the world changes.
bool IsRetryable(const absl::Status& status);

}  // namespace reconcile
