// Time as a dependency: logic that waits (retries, backoff, the watch loop)
// takes a Clock, so tests drive it with a simulated one instead of sleeping.
// Debian's abseil predates a public clock interface; this is the local one.
#pragma once

#include "absl/time/time.h"

namespace reconcile {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
  virtual void SleepUntil(absl::Time deadline) = 0;
  void SleepFor(absl::Duration d) { SleepUntil(Now() + d); }

  // The process-wide wall clock.
  static Clock& Real();
};

}  // namespace reconcile
