#include "reconciler/executor.h"

#include <atomic>
#include <deque>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile {
namespace {

using model::Action;
using model::ActionKind;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A runner that answers each action from a script of statuses (the last one
// repeats; OK when none) and records what ran.
class ScriptedRunner : public ActionRunner {
 public:
  void Script(const std::string& node, std::vector<absl::Status> statuses) {
    script_[node] = std::deque<absl::Status>(statuses.begin(), statuses.end());
  }
  absl::Status Run(const Action& action, absl::Time deadline) override {
    absl::MutexLock lock(&mu_);
    started_.push_back(action.node);
    deadlines_.push_back(deadline);
    auto it = script_.find(action.node);
    if (it == script_.end() || it->second.empty()) return absl::OkStatus();
    absl::Status status = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    return status;
  }
  std::vector<std::string> started() {
    absl::MutexLock lock(&mu_);
    return started_;
  }
  std::vector<absl::Time> deadlines() {
    absl::MutexLock lock(&mu_);
    return deadlines_;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, std::deque<absl::Status>> script_;
  std::vector<std::string> started_;
  std::vector<absl::Time> deadlines_;
};

model::Plan Chain(std::vector<std::pair<std::string, std::vector<int>>> actions) {
  model::Plan plan;
  for (auto& [node, deps] : actions) {
    plan.actions.push_back(Action{.id = static_cast<int>(plan.actions.size()),
                                  .kind = ActionKind::kConfigure, .node = node, .role = "r",
                                  .depends_on = deps});
  }
  return plan;
}

ExecutorOptions Serial() { return ExecutorOptions{.parallel = 1, .retries = 3}; }

// This test verifies that actions run after their dependencies and all succeed.
TEST(Executor, RunsInDependencyOrder) {
  model::Plan plan = Chain({{"a", {}}, {"b", {0}}, {"c", {1}}, {"d", {0, 2}}});
  ScriptedRunner runner;
  testing::SimulatedClock clock;
  ExecutorOptions options = Serial();
  options.parallel = 4;
  ExecutionReport report = Execute(plan, runner, options, clock);
  EXPECT_TRUE(report.AllSucceeded());
  EXPECT_THAT(runner.started(), ElementsAre("a", "b", "c", "d"));
}

// This test verifies that a retryable failure is retried with exponential
// backoff on the injected clock until it succeeds.
TEST(Executor, RetriesRetryableErrorsWithBackoff) {
  model::Plan plan = Chain({{"a", {}}});
  ScriptedRunner runner;
  runner.Script("a", {absl::UnavailableError("refused"), absl::UnavailableError("refused"),
                      absl::OkStatus()});
  testing::SimulatedClock clock;
  ExecutorOptions options = Serial();
  options.backoff = {.initial = absl::Seconds(1), .max = absl::Seconds(30), .jitter = 0};
  ExecutionReport report = Execute(plan, runner, options, clock);
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].outcome, Outcome::kSucceeded);
  EXPECT_EQ(report.results[0].attempts, 3);
  EXPECT_THAT(clock.sleeps(), ElementsAre(absl::Seconds(1), absl::Seconds(2)));
  EXPECT_EQ(report.results[0].elapsed, absl::Seconds(3));
}

// This test verifies that retries stop after `retries` and report the last error.
TEST(Executor, GivesUpAfterRetries) {
  model::Plan plan = Chain({{"a", {}}});
  ScriptedRunner runner;
  runner.Script("a", {absl::UnavailableError("still down")});
  testing::SimulatedClock clock;
  ExecutorOptions options = Serial();
  options.retries = 2;
  ExecutionReport report = Execute(plan, runner, options, clock);
  EXPECT_EQ(report.results[0].outcome, Outcome::kFailed);
  EXPECT_EQ(report.results[0].attempts, 3);
  EXPECT_THAT(std::string(report.results[0].status.message()), HasSubstr("still down"));
  EXPECT_TRUE(report.AnyRetryableFailure());
}

// This test verifies that a terminal error is not retried, its dependants are
// skipped transitively, and independent actions still run.
TEST(Executor, TerminalFailureSkipsDependantsOnly) {
  model::Plan plan = Chain({{"bad", {}}, {"good", {}}, {"after-bad", {0}},
                            {"after-after", {2}}, {"after-good", {1}}});
  ScriptedRunner runner;
  runner.Script("bad", {absl::FailedPreconditionError("host key mismatch")});
  testing::SimulatedClock clock;
  ExecutionReport report = Execute(plan, runner, Serial(), clock);
  EXPECT_EQ(report.results[0].outcome, Outcome::kFailed);
  EXPECT_EQ(report.results[0].attempts, 1);
  EXPECT_EQ(report.results[1].outcome, Outcome::kSucceeded);
  EXPECT_EQ(report.results[2].outcome, Outcome::kSkipped);
  EXPECT_THAT(std::string(report.results[2].status.message()), HasSubstr("configure bad r"));
  EXPECT_EQ(report.results[3].outcome, Outcome::kSkipped);
  EXPECT_EQ(report.results[4].outcome, Outcome::kSucceeded);
  EXPECT_THAT(runner.started(), ElementsAre("bad", "good", "after-good"));
  EXPECT_TRUE(clock.sleeps().empty());
  EXPECT_FALSE(report.AnyRetryableFailure());
}

// This test verifies that each attempt gets its own deadline from the clock.
TEST(Executor, PassesPerActionDeadline) {
  model::Plan plan = Chain({{"a", {}}});
  ScriptedRunner runner;
  testing::SimulatedClock clock;
  ExecutorOptions options = Serial();
  options.action_timeout = absl::Minutes(3);
  const absl::Time start = clock.Now();
  Execute(plan, runner, options, clock);
  EXPECT_THAT(runner.deadlines(), ElementsAre(start + absl::Minutes(3)));
}

// A clock whose sleeps last until the test moves time past them, so the
// test decides when running actions end: overlaps are counted at moments it
// chooses, without real sleeps. Release() lets every sleep end at once (for
// a test that failed part way).
class SteppedClock final : public Clock {
 public:
  absl::Time Now() override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void SleepUntil(absl::Time deadline) override {
    absl::MutexLock lock(&mu_);
    auto at = deadlines_.insert(deadline);
    auto woken = [this, deadline] {
      mu_.AssertHeld();
      return released_ || now_ >= deadline;
    };
    mu_.Await(absl::Condition(&woken));
    deadlines_.erase(at);
  }
  // Waits until `n` sleeps are pending (their deadline still ahead); false if
  // that takes longer than `limit` of real time: too few ran at once.
  bool AwaitPending(int n, absl::Duration limit = absl::Seconds(10)) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n] {
      mu_.AssertHeld();
      return PendingLocked() >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), limit);
  }
  int Pending() {
    absl::MutexLock lock(&mu_);
    return PendingLocked();
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    released_ = true;
  }

 private:
  int PendingLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return static_cast<int>(std::distance(deadlines_.upper_bound(now_), deadlines_.end()));
  }

  absl::Mutex mu_;
  absl::Time now_ = absl::UnixEpoch();
  std::multiset<absl::Time> deadlines_ ABSL_GUARDED_BY(mu_);
  bool released_ ABSL_GUARDED_BY(mu_) = false;
};

// A runner whose actions each take 30 ms of the clock's time, counting how
// many run at once.
class ConcurrencyRunner : public ActionRunner {
 public:
  explicit ConcurrencyRunner(Clock& clock) : clock_(clock) {}
  absl::Status Run(const Action&, absl::Time) override {
    int now = ++in_flight_;
    int seen = max_.load();
    while (now > seen && !max_.compare_exchange_weak(seen, now)) {
    }
    clock_.SleepFor(absl::Milliseconds(30));
    --in_flight_;
    return absl::OkStatus();
  }
  Clock& clock_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_{0};
};

// This test verifies that no more than `parallel` actions run at once, and
// that independent actions do run side by side: six of them with parallel 2
// run as three pairs, each pair ended by the test moving the clock on.
TEST(Executor, BoundsParallelism) {
  model::Plan plan = Chain({{"a", {}}, {"b", {}}, {"c", {}}, {"d", {}}, {"e", {}}, {"f", {}}});
  SteppedClock clock;
  ConcurrencyRunner runner(clock);
  ExecutorOptions options{.parallel = 2};
  ExecutionReport report;
  std::thread execute([&] { report = Execute(plan, runner, options, clock); });
  for (int pair = 0; pair < 3; ++pair) {
    if (!clock.AwaitPending(2)) {
      ADD_FAILURE() << "pair " << pair << ": " << clock.Pending() << " action(s) running, not 2";
      break;
    }
    EXPECT_EQ(runner.in_flight_.load(), 2) << "pair " << pair;
    clock.Advance(absl::Milliseconds(30));
  }
  clock.Release();
  execute.join();
  EXPECT_TRUE(report.AllSucceeded());
  EXPECT_EQ(runner.max_.load(), 2);
}

// This test verifies that cancelling starts nothing new and reports the rest
// as skipped (to on_done too: the CLI counts "not started" from it), while the
// running action completes.
TEST(Executor, CancelFinishesRunningActionsOnly) {
  model::Plan plan = Chain({{"a", {}}, {"b", {0}}, {"c", {}}});
  std::atomic<bool> cancel{false};
  class CancellingRunner : public ActionRunner {
   public:
    explicit CancellingRunner(std::atomic<bool>* cancel) : cancel_(cancel) {}
    absl::Status Run(const Action&, absl::Time) override {
      cancel_->store(true);
      ++runs;
      return absl::OkStatus();
    }
    std::atomic<bool>* cancel_;
    int runs = 0;
  } runner(&cancel);
  testing::SimulatedClock clock;
  ExecutorOptions options = Serial();
  options.cancel = &cancel;
  std::vector<std::string> done;
  options.on_done = [&](const Action& action, const ActionResult& result) {
    done.push_back(action.node + (result.outcome == Outcome::kSkipped ? " skipped" : " ran"));
  };
  ExecutionReport report = Execute(plan, runner, options, clock);
  EXPECT_EQ(runner.runs, 1);
  EXPECT_THAT(done, ::testing::UnorderedElementsAre("a ran", "b skipped", "c skipped"));
  EXPECT_EQ(report.results[0].outcome, Outcome::kSucceeded);
  EXPECT_EQ(report.results[1].outcome, Outcome::kSkipped);
  EXPECT_EQ(report.results[1].status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(report.results[2].outcome, Outcome::kSkipped);
}

// This test verifies that a malformed DAG is refused instead of hanging.
TEST(Executor, RefusesForwardDependencies) {
  model::Plan plan = Chain({{"a", {1}}, {"b", {0}}});
  ScriptedRunner runner;
  testing::SimulatedClock clock;
  ExecutionReport report = Execute(plan, runner, Serial(), clock);
  EXPECT_EQ(report.Count(Outcome::kFailed), 2);
  EXPECT_TRUE(runner.started().empty());
}

// This test verifies that progress callbacks see every action start and end.
TEST(Executor, ReportsProgress) {
  model::Plan plan = Chain({{"a", {}}, {"b", {0}}});
  ScriptedRunner runner;
  runner.Script("b", {absl::InvalidArgumentError("bad")});
  testing::SimulatedClock clock;
  std::vector<std::string> events;
  ExecutorOptions options = Serial();
  options.on_start = [&](const Action& a) { events.push_back("start " + a.node); };
  options.on_done = [&](const Action& a, const ActionResult& r) {
    events.push_back((r.outcome == Outcome::kSucceeded ? "ok " : "failed ") + a.node);
  };
  Execute(plan, runner, options, clock);
  EXPECT_THAT(events, ElementsAre("start a", "ok a", "start b", "failed b"));
}

// This test verifies that actions skipped because a dependency failed are
// reported to the progress callback too, after the failure.
TEST(Executor, ReportsSkippedActions) {
  model::Plan plan = Chain({{"a", {}}, {"b", {0}}, {"c", {1}}});
  ScriptedRunner runner;
  runner.Script("a", {absl::InvalidArgumentError("bad")});
  testing::SimulatedClock clock;
  std::vector<std::string> events;
  ExecutorOptions options = Serial();
  options.on_done = [&](const Action& a, const ActionResult& r) {
    events.push_back((r.outcome == Outcome::kSkipped ? "skipped " : "done ") + a.node);
  };
  Execute(plan, runner, options, clock);
  EXPECT_THAT(events, ElementsAre("done a", "skipped b", "skipped c"));
}

}  // namespace
}  // namespace reconcile
