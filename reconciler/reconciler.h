// The control loop: observe -> plan -> execute, repeated until converged.
//
// A Reconciler holds the desired state and the drivers for its whole life, so
// the SSH pool behind the NodeShell stays warm across passes (watch mode).
// Everything it learns within a pass (addresses, role outputs) is dropped at
// the end of that pass: each pass reads the world afresh (level-triggered).
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "drivers/hypervisor.h"
#include "drivers/node_shell.h"
#include "model/node.h"
#include "model/observed.h"
#include "model/plan.h"
#include "model/spec.h"
#include "reconciler/cluster_actions.h"
#include "reconciler/executor.h"
#include "reconciler/host_set.h"
#include "reconciler/observe.h"

namespace reconcile {

struct ReconcilerOptions {
  ObserveOptions observe;
  ClusterActionsOptions actions;
  ExecutorOptions executor;  // parallel and retries default from the spec's policy
  // Called with each pass's plan before it is executed (apply shows it).
  std::function<void(const model::Plan&)> on_plan;
  // Asked after on_plan, before anything of the plan runs: a non-OK status
  // (kCancelled: the operator declined; kAborted: a saved plan no longer
  // matches the world) ends the pass with nothing executed, and is returned.
  std::function<absl::Status(const model::Plan&, const model::ObservedState&)> approve;
  // `--target`: when not empty, each pass plans only these nodes' actions and
  // what they depend on (model/plan_subset.h).
  std::set<std::string> only;
};

// Options for `spec` as its policy asks: parallelism and retries.
ReconcilerOptions OptionsFromPolicy(const model::Spec& spec);

struct PassResult {
  model::ObservedState observed;
  model::Plan plan;
  ExecutionReport execution;  // empty when the pass only planned
  absl::Duration elapsed;
};

class Reconciler {
 public:
  // One hypervisor: the spec's first (for a one-host spec, its only) host.
  Reconciler(model::Spec spec, std::vector<model::Node> nodes, drivers::Hypervisor& hypervisor,
             drivers::NodeShell& shell, Clock& clock, ReconcilerOptions options);
  // One driver per hypervisor host of the spec (docs/libvirt.md, "Several hosts").
  Reconciler(model::Spec spec, std::vector<model::Node> nodes, std::vector<HostConnection> hosts,
             drivers::NodeShell& shell, Clock& clock, ReconcilerOptions options);

  // Observe and plan; changes nothing.
  absl::StatusOr<PassResult> PlanPass();
  // Observe, plan and execute the plan.
  absl::StatusOr<PassResult> ApplyPass();

  // Replaces the desired state (watch mode, after the spec file changed),
  // with the parallelism, retries and state_dir its policy and ssh ask for.
  void SetDesired(model::Spec spec, std::vector<model::Node> nodes);
  const model::Spec& spec() const { return spec_; }
  const std::vector<model::Node>& nodes() const { return nodes_; }
  // True once the executor's cancel flag is raised (SIGINT in the CLI).
  bool StopRequested() const {
    return options_.executor.cancel != nullptr && options_.executor.cancel->load();
  }

 private:
  absl::StatusOr<PassResult> Pass(bool execute);

  model::Spec spec_;
  std::vector<model::Node> nodes_;
  std::vector<HostConnection> hosts_;
  drivers::NodeShell& shell_;
  Clock& clock_;
  ReconcilerOptions options_;
};

struct ApplyOutcome {
  bool converged = false;
  int passes = 0;
  std::string stopped_because;  // why it stopped without converging
  absl::Status error;           // the last pass-level error, if any
  bool declined = false;        // ReconcilerOptions::approve refused a plan
  bool interrupted = false;     // the executor's cancel flag stopped it
};

// Runs passes until the plan is empty (converged), `max_passes` ran, the plan
// has only problems left, or a pass made no progress and every failure was
// terminal, `approve` refused a plan, or the cancel flag was raised. A pass that could not observe (hypervisor down) is retried with
// backoff while passes remain. `on_pass` sees each pass as it completes.
ApplyOutcome ApplyUntilConverged(Reconciler& reconciler, int max_passes, Clock& clock,
                                 const std::function<void(const PassResult&)>& on_pass = {},
                                 const BackoffPolicy& backoff = {});

}  // namespace reconcile
