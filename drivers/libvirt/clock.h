// Time, injected so waiting logic (address discovery, graceful shutdown) is
// tested without sleeping.
#pragma once

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace reconcile::drivers::libvirt {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
  virtual void SleepFor(absl::Duration d) = 0;
};

class RealClock final : public Clock {
 public:
  absl::Time Now() override { return absl::Now(); }
  void SleepFor(absl::Duration d) override { absl::SleepFor(d); }
};

}  // namespace reconcile::drivers::libvirt
