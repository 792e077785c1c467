// WatchEvents from a script, for driving the watch loop in tests: every wait
// is recorded and a timeout moves the simulated clock to its deadline.
// `between` runs before each answer, to change the world behind the loop's back.
#pragma once

#include <deque>
#include <functional>
#include <vector>

#include "reconciler/watch.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile::testing {

class ScriptedWatchEvents : public WatchEvents {
 public:
  explicit ScriptedWatchEvents(SimulatedClock& clock) : clock_(clock) {}

  std::deque<Event> script;  // empty: kStop
  std::vector<absl::Duration> waits;  // how long each wait was asked to last
  std::function<void(int)> between;   // called with the 1-based wait number

  Event WaitUntil(absl::Time deadline) override {
    waits.push_back(deadline - clock_.Now());
    if (between) between(static_cast<int>(waits.size()));
    if (script.empty()) return Event::kStop;
    Event next = script.front();
    script.pop_front();
    if (next == Event::kTimeout) clock_.SleepUntil(deadline);
    return next;
  }

 private:
  SimulatedClock& clock_;
};

}  // namespace reconcile::testing
