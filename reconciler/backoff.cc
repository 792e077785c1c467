#include "reconciler/backoff.h"

#include <algorithm>
#include <cmath>

namespace reconcile {

absl::Duration BackoffDelay(const BackoffPolicy& policy, int attempt, double random01) {
  double factor = std::pow(policy.multiplier, std::max(attempt - 1, 0));
  absl::Duration base = std::min(policy.initial * factor, policy.max);
  double spread = 1.0 + policy.jitter * (2.0 * random01 - 1.0);
  return std::max(base * spread, absl::ZeroDuration());
}

bool IsRetryable(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

}  // namespace reconcile
