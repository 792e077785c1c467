#include "reconciler/reconciler.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reconciler/join_cluster.h"

namespace reconcile {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using ReconcilerTest = JoinClusterTest;

// This test verifies the whole loop from nothing: nodes are created, the
// control plane's output reaches the workers' files, role hashes are recorded,
// and the next plan is empty.
TEST_F(ReconcilerTest, ConvergesFromEmptyAndSecondPlanIsEmpty) {
  Reconciler reconciler = Make();
  ApplyOutcome outcome = Apply(reconciler);
  ASSERT_TRUE(outcome.converged) << outcome.stopped_because;
  EXPECT_EQ(outcome.passes, 2) << "one pass acts, the next confirms";
  EXPECT_TRUE(passes_[0].execution.AllSucceeded());

  // Creates run in parallel, so which address the fake handed the control
  // plane varies from run to run; the join file must carry that one.
  absl::StatusOr<std::string> control_ip = hypervisor_.DiscoverAddress("lab-cp-1", absl::Seconds(1));
  ASSERT_TRUE(control_ip.ok()) << control_ip.status();
  for (const std::string worker : {"lab-wk-1", "lab-wk-2"}) {
    FakeNodeShell::Files files = shell_.files(worker);
    EXPECT_EQ(files["/etc/join.conf"], "server=" + *control_ip + "\ntoken=tok-3f9a1c\n");
    EXPECT_EQ(files["/var/lib/reconcile/roles/worker.hash"], "worker-h1");
    EXPECT_EQ(files["/etc/joined"], "yes");
  }
  EXPECT_EQ(shell_.files("lab-cp-1")["/var/lib/reconcile/roles/control.hash"], "control-h1");

  absl::StatusOr<PassResult> again = reconciler.PlanPass();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->plan.converged());
}

// This test verifies that running out of passes says so with a count that
// agrees with its noun: one pass acts, and it is the only one allowed.
TEST_F(ReconcilerTest, OutOfPassesSaysHowManyInWords) {
  Reconciler reconciler = Make();
  ApplyOutcome outcome = Apply(reconciler, /*max_passes=*/1);
  EXPECT_FALSE(outcome.converged);
  EXPECT_EQ(outcome.stopped_because, "not converged after 1 pass");
}

// This test verifies that a declared file's directory is created before the
// file is uploaded: a fresh node has no /etc/<app>/ directory, and an upload
// into a missing directory fails (found by the end-to-end test).
TEST_F(ReconcilerTest, CreatesTheDirectoryOfADeclaredFileFirst) {
  Reconciler reconciler = Make();
  ASSERT_TRUE(Apply(reconciler).converged);
  const std::vector<std::string> commands = shell_.commands("lab-wk-1");
  EXPECT_NE(std::find(commands.begin(), commands.end(), "mkdir -p /etc"), commands.end())
      << ::testing::PrintToString(commands);
}

// This test verifies that every SSH target is verified against the host key
// recorded at creation, never trusted on first use.
TEST_F(ReconcilerTest, DialsWithTheHostKeyFromTheDomain) {
  Reconciler reconciler = Make();
  ASSERT_TRUE(Apply(reconciler).converged);
  ASSERT_THAT(shell_.targets(), Not(IsEmpty()));
  for (const drivers::SshTarget& target : shell_.targets()) {
    EXPECT_THAT(target.expected_host_keys,
                ::testing::ElementsAre(FakeHypervisor::HostKeyOf(target.node)));
    EXPECT_FALSE(target.accept_unknown_host_keys);
  }
}

// This test verifies that a node presenting another host key is refused as a
// terminal error naming it, and that the other nodes still converge.
TEST_F(ReconcilerTest, HostKeyMismatchIsTerminalForThatNodeOnly) {
  shell_.SetHostKey("lab-wk-2", "ssh-ed25519 AAAAimpostor");
  Reconciler reconciler = Make();
  ApplyOutcome outcome = Apply(reconciler);
  EXPECT_FALSE(outcome.converged);
  EXPECT_EQ(shell_.files("lab-wk-1")["/etc/joined"], "yes");
  EXPECT_EQ(shell_.files("lab-wk-2").count("/etc/joined"), 0u);
  const ExecutionReport& report = passes_[0].execution;
  bool named = false;
  for (const ActionResult& result : report.results) {
    if (result.outcome == Outcome::kFailed) {
      EXPECT_EQ(result.status.code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_EQ(result.attempts, 1) << "terminal errors are not retried";
      named = named || std::string(result.status.message()).find("lab-wk-2") != std::string::npos;
    }
  }
  EXPECT_TRUE(named);
}

// This test verifies that a transient hypervisor error is retried within the
// pass and the cluster still converges.
TEST_F(ReconcilerTest, RetryableCreateFailureIsRetried) {
  hypervisor_.FailNext("create", absl::UnavailableError("libvirtd restarting"), 2);
  Reconciler reconciler = Make();
  ApplyOutcome outcome = Apply(reconciler);
  EXPECT_TRUE(outcome.converged) << outcome.stopped_because;
  EXPECT_GE(clock_.sleeps().size(), 2u) << "backoff went through the injected clock";
}

// This test verifies that a failing step stops with a located, secret-free
// message, and that apply stops once only terminal errors remain.
TEST_F(ReconcilerTest, FailingStepIsReportedWithoutSecrets) {
  shell_.SetHandler([](const std::string&, const std::string& command, FakeNodeShell::Files& files)
                        -> std::optional<drivers::CommandResult> {
    if (command == "kubeadm-init") {
      files["/etc/admin.conf"] = "admin";
      return drivers::CommandResult{.exit_status = 0};
    }
    if (command == "print-token") return drivers::CommandResult{.exit_status = 0, .stdout_data = kToken};
    if (command == "join-with-token") {
      return drivers::CommandResult{.exit_status = 1,
                                    .stderr_data = std::string("join failed for token ") + kToken};
    }
    return std::nullopt;
  });
  Reconciler reconciler = Make();
  ApplyOutcome outcome = Apply(reconciler);
  EXPECT_FALSE(outcome.converged);
  EXPECT_EQ(outcome.stopped_because, "only terminal errors remain");
  int failures = 0;
  for (const PassResult& pass : passes_) {
    for (const ActionResult& result : pass.execution.results) {
      if (result.outcome != Outcome::kFailed) continue;
      ++failures;
      const std::string message(result.status.message());
      EXPECT_THAT(message, HasSubstr("role worker step 'join' exited 1"));
      EXPECT_THAT(message, HasSubstr("<secret>"));
      EXPECT_THAT(message, Not(HasSubstr(kToken)));
    }
  }
  EXPECT_EQ(failures, 4) << "both workers, in both passes";
}

// This test verifies drift correction: a removed role file, a stopped domain
// and a domain deleted behind the tool's back are all restored by one apply.
TEST_F(ReconcilerTest, CorrectsDrift) {
  Reconciler reconciler = Make();
  ASSERT_TRUE(Apply(reconciler).converged);

  shell_.EraseFile("lab-cp-1", "/var/lib/reconcile/roles/control.hash");
  hypervisor_.SetState("lab-wk-1", model::DomainState::kShutOff);
  hypervisor_.Remove("lab-wk-2");
  absl::StatusOr<PassResult> drifted = reconciler.PlanPass();
  ASSERT_TRUE(drifted.ok());
  EXPECT_EQ(drifted->plan.actions.size(), 5u) << "configure cp, start+configure wk-1, create+configure wk-2";

  passes_.clear();
  ApplyOutcome outcome = Apply(reconciler);
  EXPECT_TRUE(outcome.converged) << outcome.stopped_because;
  EXPECT_EQ(hypervisor_.domains().at("lab-wk-1").state, model::DomainState::kRunning);
  EXPECT_EQ(hypervisor_.domains().count("lab-wk-2"), 1u);
  EXPECT_EQ(shell_.files("lab-cp-1")["/var/lib/reconcile/roles/control.hash"], "control-h1");
}

// This test verifies that a managed file edited on a node is drift: the probe
// notices it, and the next apply restores it without re-running the step.
TEST_F(ReconcilerTest, EditedFileIsRestored) {
  Reconciler reconciler = Make();
  ASSERT_TRUE(Apply(reconciler).converged);
  const std::string original = shell_.files("lab-wk-1")["/etc/join.conf"];
  shell_.WriteFile("lab-wk-1", "/etc/join.conf", "token=tampered\n");

  absl::StatusOr<PassResult> drifted = reconciler.PlanPass();
  ASSERT_TRUE(drifted.ok());
  ASSERT_EQ(drifted->plan.actions.size(), 1u);
  EXPECT_EQ(drifted->plan.actions[0].node, "lab-wk-1");
  EXPECT_EQ(drifted->plan.actions[0].reason, "a check fails");

  const auto joins = [&] {
    const std::vector<std::string> commands = shell_.commands("lab-wk-1");
    return std::count(commands.begin(), commands.end(), "join-with-token");
  };
  const auto joins_before = joins();
  ASSERT_TRUE(Apply(reconciler).converged);
  EXPECT_EQ(shell_.files("lab-wk-1")["/etc/join.conf"], original);
  EXPECT_EQ(joins(), joins_before) << "the step's check passes, so only the file is put back";
}

// This test verifies that scaling a group down with prune deletes exactly the
// node that left, and never an unmanaged domain.
TEST_F(ReconcilerTest, ScaleDownPrunesOnlyOwnedDomains) {
  hypervisor_.AddUnmanaged("lab-wk-9", model::DomainState::kRunning);
  Reconciler reconciler = Make();
  ASSERT_TRUE(Apply(reconciler).converged);

  reconciler.SetDesired(JoinSpec(), JoinNodes(/*workers=*/1));
  ASSERT_TRUE(Apply(reconciler).converged);
  auto domains = hypervisor_.domains();
  EXPECT_EQ(domains.count("lab-wk-2"), 0u);
  EXPECT_EQ(domains.count("lab-wk-1"), 1u);
  EXPECT_EQ(domains.count("lab-wk-9"), 1u);
  for (const std::string& call : hypervisor_.calls()) EXPECT_THAT(call, Not(HasSubstr("lab-wk-9")));
}

// This test verifies that an unreachable node is an observed fact: the others
// converge, and apply gives up after its pass budget without converging.
TEST_F(ReconcilerTest, UnreachableNodeDoesNotBlockOthers) {
  shell_.SetDown("lab-wk-2", true);
  Reconciler reconciler = Make();
  ApplyOutcome outcome = Apply(reconciler, /*max_passes=*/3);
  EXPECT_FALSE(outcome.converged);
  EXPECT_EQ(outcome.passes, 3);
  EXPECT_EQ(outcome.stopped_because, "not converged after 3 passes");
  EXPECT_EQ(shell_.files("lab-wk-1")["/etc/joined"], "yes");
  const model::NodeProbe& probe = passes_.back().observed.probes.at("lab-wk-2");
  EXPECT_EQ(probe.status.code(), absl::StatusCode::kUnavailable);

  shell_.SetDown("lab-wk-2", false);
  EXPECT_TRUE(Apply(reconciler).converged);
}

// This test verifies that a hypervisor that cannot be listed fails the pass,
// is retried with backoff, and apply converges once it is back.
TEST_F(ReconcilerTest, HypervisorOutageIsRetried) {
  hypervisor_.FailNext("list", absl::UnavailableError("cannot connect"), 2);
  Reconciler reconciler = Make();
  ApplyOutcome outcome = Apply(reconciler, /*max_passes=*/6);
  EXPECT_TRUE(outcome.converged) << outcome.stopped_because;
  EXPECT_EQ(outcome.passes, 4);
}

// This test verifies that the node-side state directory comes from the spec,
// for both the probe and the record of applied roles.
TEST_F(ReconcilerTest, StateDirComesFromTheSpec) {
  model::Spec spec = JoinSpec();
  spec.ssh.state_dir = "/home/ops/.reconcile";
  ReconcilerOptions options = OptionsFromPolicy(spec);
  options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
  Reconciler reconciler(spec, JoinNodes(), hypervisor_, shell_, clock_, options);
  ASSERT_TRUE(Apply(reconciler).converged);
  EXPECT_EQ(shell_.files("lab-cp-1")["/home/ops/.reconcile/roles/control.hash"], "control-h1");
  EXPECT_EQ(shell_.files("lab-cp-1").count("/var/lib/reconcile/roles/control.hash"), 0u);
}

// This test verifies that a plan refusing to touch an unmanaged domain stops
// apply with a reason instead of looping.
TEST_F(ReconcilerTest, PlanProblemsStopApply) {
  hypervisor_.AddUnmanaged("lab-cp-1", model::DomainState::kShutOff);
  Reconciler reconciler = Make();
  ApplyOutcome outcome = Apply(reconciler);
  EXPECT_FALSE(outcome.converged);
  EXPECT_EQ(outcome.stopped_because, "the plan has problems that need the operator");
  EXPECT_EQ(hypervisor_.domains().at("lab-cp-1").state, model::DomainState::kShutOff);
  EXPECT_THAT(hypervisor_.calls(), Not(Contains("start lab-cp-1")));
}

}  // namespace
}  // namespace reconcile
