#include "reconciler/reconciler.h"

#include "base/status_macros.h"
#include "base/text.h"
#include "fmt/format.h"
#include "model/plan_subset.h"
#include "reconciler/address_book.h"
#include "reconciler/create_readiness.h"
#include "reconciler/planner.h"

namespace reconcile {

ReconcilerOptions OptionsFromPolicy(const model::Spec& spec) {
  ReconcilerOptions options;
  options.executor.parallel = spec.policy.parallel;
  options.executor.retries = spec.policy.retries;
  options.observe.parallel = spec.policy.probe_parallel;
  options.observe.state_dir = spec.ssh.state_dir;
  options.actions.state_dir = spec.ssh.state_dir;
  return options;
}

Reconciler::Reconciler(model::Spec spec, std::vector<model::Node> nodes,
                       drivers::Hypervisor& hypervisor, drivers::NodeShell& shell, Clock& clock,
                       ReconcilerOptions options)
    : spec_(std::move(spec)), nodes_(std::move(nodes)),
      hosts_({{spec_.Hosts().front().name, &hypervisor}}), shell_(shell), clock_(clock),
      options_(std::move(options)) {}

Reconciler::Reconciler(model::Spec spec, std::vector<model::Node> nodes,
                       std::vector<HostConnection> hosts, drivers::NodeShell& shell, Clock& clock,
                       ReconcilerOptions options)
    : spec_(std::move(spec)), nodes_(std::move(nodes)), hosts_(std::move(hosts)), shell_(shell),
      clock_(clock), options_(std::move(options)) {}

void Reconciler::SetDesired(model::Spec spec, std::vector<model::Node> nodes) {
  // The whole new spec: what its policy and ssh.state_dir decide changes too
  // (hosts are the caller's: connections are made once, at start).
  const ReconcilerOptions from_policy = OptionsFromPolicy(spec);
  options_.executor.parallel = from_policy.executor.parallel;
  options_.executor.retries = from_policy.executor.retries;
  options_.observe.parallel = from_policy.observe.parallel;  // probe_parallel
  options_.observe.state_dir = from_policy.observe.state_dir;
  options_.actions.state_dir = from_policy.actions.state_dir;
  spec_ = std::move(spec);
  nodes_ = std::move(nodes);
}

absl::StatusOr<PassResult> Reconciler::PlanPass() { return Pass(/*execute=*/false); }
absl::StatusOr<PassResult> Reconciler::ApplyPass() { return Pass(/*execute=*/true); }

absl::StatusOr<PassResult> Reconciler::Pass(bool execute) {
  const absl::Time start = clock_.Now();
  PassResult result;
  HostSet hosts(hosts_);  // where each domain lives is learned afresh each pass
  AddressBook addresses(spec_, hosts);
  RoleOutputs outputs_run;
  ObserveOptions observe = options_.observe;
  if (execute) observe.outputs_run = &outputs_run;  // a plan runs no output command
  ASSIGN_OR_RETURN(result.observed,
                   Observe(spec_, nodes_, hosts, shell_, addresses, observe, clock_));
  result.observed.create_problems = CheckCreateReadiness(
      spec_, nodes_, hosts,
      {options_.actions.authorized_key, options_.actions.authorized_key_problem},
      result.observed);
  result.plan = ComputePlan(spec_, nodes_, result.observed);
  if (!options_.only.empty()) result.plan = model::RestrictPlan(result.plan, options_.only);
  if (execute && !result.plan.actions.empty()) {
    if (options_.on_plan) options_.on_plan(result.plan);
    if (options_.approve) RETURN_IF_ERROR(options_.approve(result.plan, result.observed));
    ClusterActions actions(spec_, nodes_, hosts, shell_, addresses, options_.actions, clock_);
    actions.UseOutputs(outputs_run);  // taken while observing: not run again
    result.execution = Execute(result.plan, actions, options_.executor, clock_);
  }
  result.elapsed = clock_.Now() - start;
  return result;
}

ApplyOutcome ApplyUntilConverged(Reconciler& reconciler, int max_passes, Clock& clock,
                                 const std::function<void(const PassResult&)>& on_pass,
                                 const BackoffPolicy& backoff) {
  ApplyOutcome outcome;
  int failed_observations = 0;
  while (outcome.passes < max_passes) {
    ++outcome.passes;
    absl::StatusOr<PassResult> pass = reconciler.ApplyPass();
    if (!pass.ok()) {
      outcome.error = pass.status();
      if (absl::IsCancelled(pass.status()) || absl::IsAborted(pass.status())) {
        outcome.declined = true;
        outcome.stopped_because = std::string(pass.status().message());
        return outcome;
      }
      if (!IsRetryable(pass.status())) {
        outcome.stopped_because = "the cluster could not be observed";
        return outcome;
      }
      clock.SleepFor(BackoffDelay(backoff, ++failed_observations, 0.5));
      continue;
    }
    failed_observations = 0;
    outcome.error = absl::OkStatus();
    if (on_pass) on_pass(*pass);
    if (reconciler.StopRequested()) {
      outcome.interrupted = true;
      outcome.stopped_because = "interrupted";
      return outcome;
    }
    if (pass->plan.converged()) {
      outcome.converged = true;
      return outcome;
    }
    if (pass->plan.actions.empty()) {
      outcome.stopped_because = "the plan has problems that need the operator";
      return outcome;
    }
    const ExecutionReport& report = pass->execution;
    if (report.Count(Outcome::kSucceeded) == 0 && !report.AnyRetryableFailure()) {
      outcome.stopped_because = "only terminal errors remain";
      return outcome;
    }
  }
  outcome.stopped_because = "not converged after " + Counted(max_passes, "pass", "passes");
  return outcome;
}

}  // namespace reconcile
