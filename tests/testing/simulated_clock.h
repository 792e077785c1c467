// A Clock whose sleeps return at once after moving simulated time forward, so
// retry, backoff and watch logic runs in tests without waiting. Thread-safe:
// concurrent sleepers each advance time to at least their own deadline.
#pragma once

#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/clock.h"

namespace reconcile::testing {

class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(absl::Time start = absl::UnixEpoch() + absl::Hours(24 * 365))
      : now_(start) {}

  absl::Time Now() override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void SleepUntil(absl::Time deadline) override {
    absl::MutexLock lock(&mu_);
    sleeps_.push_back(deadline - now_);
    if (deadline > now_) now_ = deadline;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  // Every sleep requested so far, as durations from the then-current time.
  std::vector<absl::Duration> sleeps() {
    absl::MutexLock lock(&mu_);
    return sleeps_;
  }

 private:
  absl::Mutex mu_;
  absl::Time now_;
  std::vector<absl::Duration> sleeps_;
};

}  // namespace reconcile::testing
