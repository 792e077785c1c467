#include "reconciler/executor.h"

#include <algorithm>
#include <deque>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "fmt/format.h"

namespace reconcile {

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSucceeded: return "succeeded";
    case Outcome::kFailed: return "failed";
    case Outcome::kSkipped: return "skipped";
  }
  return "unknown";
}

int ExecutionReport::Count(Outcome outcome) const {
  return static_cast<int>(std::count_if(results.begin(), results.end(),
                                        [&](const ActionResult& r) { return r.outcome == outcome; }));
}

bool ExecutionReport::AnyRetryableFailure() const {
  return std::any_of(results.begin(), results.end(), [](const ActionResult& r) {
    return r.outcome == Outcome::kFailed && IsRetryable(r.status);
  });
}

namespace {

class DagRun {
 public:
  DagRun(const model::Plan& plan, ActionRunner& runner, const ExecutorOptions& options, Clock& clock)
      : plan_(plan), runner_(runner), options_(options), clock_(clock),
        dependants_(plan.actions.size()), waiting_(plan.actions.size(), 0),
        decided_(plan.actions.size(), false) {
    report_.results.resize(plan.actions.size());
    for (const model::Action& action : plan.actions) {
      report_.results[action.id].action_id = action.id;
      for (int dep : action.depends_on) dependants_[dep].push_back(action.id);
      waiting_[action.id] = static_cast<int>(action.depends_on.size());
    }
    for (const model::Action& action : plan.actions) {
      if (waiting_[action.id] == 0) ready_.push_back(action.id);
    }
  }

  ExecutionReport Run() {
    const int workers = std::clamp(options_.parallel, 1, std::max<int>(1, plan_.actions.size()));
    std::vector<std::thread> threads;
    for (int i = 0; i < workers; ++i) threads.emplace_back([this] { Work(); });
    for (std::thread& t : threads) t.join();
    return std::move(report_);
  }

 private:
  bool Cancelled() const { return options_.cancel != nullptr && options_.cancel->load(); }

  void Work() {
    for (;;) {
      int id;
      // Cancelled before it started: reported like any other outcome, so
      // whoever stopped the run hears what did not happen.
      std::vector<ActionResult> not_started;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(this, &DagRun::HasWorkOrDone));
        if (ready_.empty()) return;  // every action decided
        id = ready_.front();
        ready_.pop_front();
        if (Cancelled()) {
          ActionResult cancelled{.action_id = id, .outcome = Outcome::kSkipped,
                                 .status = absl::CancelledError("cancelled before it started")};
          not_started.push_back(cancelled);
          Decide(id, std::move(cancelled), &not_started);
        }
      }
      if (!not_started.empty()) {
        for (const ActionResult& r : not_started) Notify(options_.on_done, plan_.actions[r.action_id], r);
        continue;
      }
      Notify(options_.on_start, plan_.actions[id]);
      ActionResult result = RunWithRetries(plan_.actions[id]);
      Notify(options_.on_done, plan_.actions[id], result);
      std::vector<ActionResult> skipped;
      {
        absl::MutexLock lock(&mu_);
        Decide(id, std::move(result), &skipped);
      }
      for (const ActionResult& s : skipped) Notify(options_.on_done, plan_.actions[s.action_id], s);
    }
  }

  bool HasWorkOrDone() const { return !ready_.empty() || decided_count_ == plan_.actions.size(); }

  // Records an outcome; releases dependants on success, skips them otherwise
  // (appending each skip to `skipped` when given, for the progress callback).
  void Decide(int id, ActionResult result, std::vector<ActionResult>* skipped)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const bool succeeded = result.outcome == Outcome::kSucceeded;
    report_.results[id] = std::move(result);
    decided_[id] = true;
    ++decided_count_;
    for (int next : dependants_[id]) {
      if (decided_[next]) continue;
      if (succeeded) {
        if (--waiting_[next] == 0) ready_.push_back(next);
        continue;
      }
      const model::Action& failed = plan_.actions[id];
      ActionResult skip{.action_id = next, .outcome = Outcome::kSkipped,
                        .status = absl::AbortedError(fmt::format(
                            "{} {}{} did not succeed", model::ActionKindName(failed.kind),
                            failed.node.empty() ? failed.network : failed.node,
                            failed.role.empty() ? "" : " " + failed.role))};
      if (skipped != nullptr) skipped->push_back(skip);
      Decide(next, std::move(skip), skipped);
    }
  }

  ActionResult RunWithRetries(const model::Action& action) {
    ActionResult result{.action_id = action.id};
    const absl::Time start = clock_.Now();
    for (int attempt = 1;; ++attempt) {
      result.attempts = attempt;
      result.status = runner_.Run(action, clock_.Now() + options_.action_timeout);
      if (result.status.ok()) {
        result.outcome = Outcome::kSucceeded;
        break;
      }
      if (!IsRetryable(result.status) || attempt > options_.retries || Cancelled()) {
        result.outcome = Outcome::kFailed;
        break;
      }
      double sample = options_.random01 ? options_.random01() : 0.5;
      clock_.SleepFor(BackoffDelay(options_.backoff, attempt, sample));
    }
    result.elapsed = clock_.Now() - start;
    return result;
  }

  template <typename Fn, typename... Args>
  void Notify(const Fn& fn, const Args&... args) {
    if (!fn) return;
    absl::MutexLock lock(&notify_mu_);
    fn(args...);
  }

  const model::Plan& plan_;
  ActionRunner& runner_;
  const ExecutorOptions& options_;
  Clock& clock_;
  std::vector<std::vector<int>> dependants_;
  absl::Mutex mu_;
  absl::Mutex notify_mu_;
  std::vector<int> waiting_ ABSL_GUARDED_BY(mu_);
  std::vector<bool> decided_ ABSL_GUARDED_BY(mu_);
  size_t decided_count_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<int> ready_ ABSL_GUARDED_BY(mu_);
  ExecutionReport report_;
};

// The planner emits dependencies on earlier actions only; anything else would
// never become ready, so it is refused up front rather than hanging.
absl::Status CheckDag(const model::Plan& plan) {
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    const model::Action& action = plan.actions[i];
    if (action.id != static_cast<int>(i)) {
      return absl::InvalidArgumentError(fmt::format("action {} has id {}", i, action.id));
    }
    for (int dep : action.depends_on) {
      if (dep < 0 || dep >= action.id) {
        return absl::InvalidArgumentError(
            fmt::format("action {} depends on {}, which does not come before it", i, dep));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

ExecutionReport Execute(const model::Plan& plan, ActionRunner& runner,
                        const ExecutorOptions& options, Clock& clock) {
  if (absl::Status dag = CheckDag(plan); !dag.ok()) {
    ExecutionReport report;
    for (size_t i = 0; i < plan.actions.size(); ++i) {
      report.results.push_back(
          {.action_id = static_cast<int>(i), .outcome = Outcome::kFailed, .status = dag});
    }
    return report;
  }
  return DagRun(plan, runner, options, clock).Run();
}

}  // namespace reconcile
