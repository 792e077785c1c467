#include "reconciler/reconciler.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_hypervisor.h"
#include "tests/testing/fake_node_shell.h"
#include "tests/testing/nodes.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile {
namespace {

using model::Node;
using testing::FakeHypervisor;
using testing::FakeNodeShell;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kToken[] = "tok-3f9a1c";  // a secret output

// A control plane that writes a token and exposes it as a secret output; two
// workers that need it in a file: the shape of the kubeadm join.
model::Spec JoinSpec() {
  model::Spec spec;
  spec.cluster = "lab";
  model::RoleSpec control{.name = "control"};
  control.steps = {{.name = "init", .run = "kubeadm-init", .check = "test -f /etc/admin.conf"}};
  control.outputs = {{.name = "token", .command = "print-token", .secret = true}};
  model::RoleSpec worker{.name = "worker", .after = {"control"}};
  worker.steps = {{.name = "join",
                   .run = "join-with-token",
                   .check = "test -f /etc/joined",
                   .files = {{.path = "/etc/join.conf",
                              .content = "server={{ group.cp.ips }}\ntoken={{ role.control.outputs.token }}\n",
                              .mode = 0600}}}};
  spec.roles = {control, worker};
  spec.groups = {{.name = "cp", .count = 1, .image = "tiny", .roles = {"control"}},
                 {.name = "wk", .count = 2, .image = "tiny", .roles = {"worker"}}};
  spec.policy.prune = true;
  return spec;
}

std::vector<Node> JoinNodes(int workers = 2) {
  std::vector<Node> nodes = {testing::TestNode("cp", 1, {"control"})};
  for (int i = 1; i <= workers; ++i) nodes.push_back(testing::TestNode("wk", i, {"worker"}));
  return nodes;
}

// Node behaviour: the steps create the files their checks look for; the
// output command prints the token.
void EmulateNodes(FakeNodeShell& shell) {
  shell.SetHandler([](const std::string&, const std::string& command, FakeNodeShell::Files& files)
                       -> std::optional<drivers::CommandResult> {
    if (command == "kubeadm-init") {
      files["/etc/admin.conf"] = "admin";
      return drivers::CommandResult{.exit_status = 0};
    }
    if (command == "join-with-token") {
      if (files["/etc/join.conf"].find(kToken) == std::string::npos) {
        return drivers::CommandResult{.exit_status = 3, .stderr_data = "no token"};
      }
      files["/etc/joined"] = "yes";
      return drivers::CommandResult{.exit_status = 0};
    }
    if (command == "print-token") return drivers::CommandResult{.exit_status = 0, .stdout_data = std::string(kToken) + "\n"};
    return std::nullopt;
  });
}

std::vector<Node> WorkersOnImage(const std::string& kernel);

class ReconcilerTest : public ::testing::Test {
 protected:
  ReconcilerTest() { EmulateNodes(shell_); }

  Reconciler Make(model::Spec spec = JoinSpec(), std::vector<Node> nodes = JoinNodes()) {
    ReconcilerOptions options;
    options.executor.parallel = 4;
    options.executor.retries = 2;
    options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
    return Reconciler(std::move(spec), std::move(nodes), hypervisor_, shell_, clock_, options);
  }

  ApplyOutcome Apply(Reconciler& reconciler, int max_passes = 5) {
    return ApplyUntilConverged(reconciler, max_passes, clock_,
                               [&](const PassResult& pass) { passes_.push_back(pass); });
  }

  FakeHypervisor hypervisor_;
  FakeNodeShell shell_;
  testing::SimulatedClock clock_;
  std::vector<PassResult> passes_;
};

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

// This test verifies that a check referencing another role's output is
// evaluated with that output during observation: the cluster converges and
// the next plan is empty, and a provider whose output changed makes the
// dependants' checks fail again in the next apply pass (before, such a check
// could never pass). A plan cannot see the change: it runs no output command
// and evaluates the checks with the values recorded when they were given.
TEST_F(ReconcilerTest, CheckUsingAnOutputConvergesAndSeesTheOutputChange) {
  std::string token = kToken;
  shell_.SetHandler([&](const std::string& node, const std::string& command,
                        FakeNodeShell::Files& files) -> std::optional<drivers::CommandResult> {
    if (command == "print-token") return drivers::CommandResult{.exit_status = 0, .stdout_data = token + "\n"};
    if (command == "kubeadm-init") {
      files["/etc/admin.conf"] = "admin";
      return drivers::CommandResult{.exit_status = 0};
    }
    if (command == "join-with-token") {
      files["/etc/joined"] = files["/etc/join.conf"];
      return drivers::CommandResult{.exit_status = 0};
    }
    if (command.rfind("joined-with ", 0) == 0) {
      const std::string wanted = command.substr(12);
      const bool joined = files["/etc/joined"].find("token=" + wanted + "\n") != std::string::npos;
      return drivers::CommandResult{.exit_status = joined ? 0 : 1};
    }
    return std::nullopt;
  });
  model::Spec spec = JoinSpec();
  spec.roles[1].steps[0].check = "joined-with {{ role.control.outputs.token }}";
  Reconciler reconciler = Make(spec);
  ApplyOutcome outcome = Apply(reconciler);
  ASSERT_TRUE(outcome.converged) << outcome.stopped_because;
  EXPECT_EQ(outcome.passes, 2);

  token = "tok-rotated";
  absl::StatusOr<PassResult> planned = reconciler.PlanPass();
  ASSERT_TRUE(planned.ok()) << planned.status();
  EXPECT_TRUE(planned->plan.converged()) << "a plan runs no output command";
  absl::StatusOr<PassResult> rotated = reconciler.ApplyPass();
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  ASSERT_EQ(rotated->plan.actions.size(), 2u);
  EXPECT_EQ(rotated->plan.actions[0].reason, "a check fails");
  ASSERT_TRUE(Apply(reconciler).converged);
  EXPECT_THAT(shell_.files("lab-wk-2")["/etc/join.conf"], HasSubstr("token=tok-rotated\n"));
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
  hypervisor_.SetState("lab-wk-1", drivers::DomainState::kShutOff);
  hypervisor_.Remove("lab-wk-2");
  absl::StatusOr<PassResult> drifted = reconciler.PlanPass();
  ASSERT_TRUE(drifted.ok());
  EXPECT_EQ(drifted->plan.actions.size(), 5u) << "configure cp, start+configure wk-1, create+configure wk-2";

  passes_.clear();
  ApplyOutcome outcome = Apply(reconciler);
  EXPECT_TRUE(outcome.converged) << outcome.stopped_because;
  EXPECT_EQ(hypervisor_.domains().at("lab-wk-1").state, drivers::DomainState::kRunning);
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
  hypervisor_.AddUnmanaged("lab-wk-9", drivers::DomainState::kRunning);
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

// This test verifies that new nodes are not created without the operator's
// public key to seed them with: they could never be reached.
TEST_F(ReconcilerTest, CreatingWithoutAnOperatorKeyIsRefused) {
  ReconcilerOptions options;
  options.executor.retries = 2;
  Reconciler reconciler(JoinSpec(), JoinNodes(), hypervisor_, shell_, clock_, options);
  ApplyOutcome outcome = Apply(reconciler);
  EXPECT_FALSE(outcome.converged);
  EXPECT_TRUE(hypervisor_.domains().empty());
  // Refused at plan time, for every node, before any action is attempted.
  ASSERT_FALSE(passes_.empty());
  EXPECT_TRUE(passes_[0].plan.actions.empty());
  ASSERT_EQ(passes_[0].plan.problems.size(), 3u);
  EXPECT_THAT(passes_[0].plan.problems[0].message, HasSubstr("no operator public key"));
  EXPECT_THAT(hypervisor_.calls(), Not(Contains(HasSubstr("create"))));
}

// This test verifies that apply checks the operator key again when it acts,
// whatever the plan said: a replace whose successor could not be seeded does
// not delete the node it would replace.
TEST_F(ReconcilerTest, ReplaceWithoutAnOperatorKeyDeletesNothing) {
  ClusterActionsOptions options;  // no key, as if the .pub file vanished after planning
  options.authorized_key_problem = "cannot read the operator's public key /keys/id.pub";
  Reconciler seeded = Make();
  ASSERT_TRUE(Apply(seeded).converged);
  AddressBook addresses(JoinSpec(), hypervisor_);
  std::vector<Node> nodes = WorkersOnImage("/imgs/vmlinux-2");
  nodes.resize(3);
  ClusterActions actions(JoinSpec(), nodes, hypervisor_, shell_, addresses, options, clock_);
  model::Action replace{.id = 0, .kind = model::ActionKind::kReplace, .node = "lab-wk-1"};
  absl::Status status = actions.Run(replace, clock_.Now() + absl::Minutes(1));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("/keys/id.pub"));
  EXPECT_EQ(hypervisor_.domains().count("lab-wk-1"), 1u);
  EXPECT_THAT(hypervisor_.calls(), Not(Contains("delete lab-wk-1")));
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
  hypervisor_.AddUnmanaged("lab-cp-1", drivers::DomainState::kShutOff);
  Reconciler reconciler = Make();
  ApplyOutcome outcome = Apply(reconciler);
  EXPECT_FALSE(outcome.converged);
  EXPECT_EQ(outcome.stopped_because, "the plan has problems that need the operator");
  EXPECT_EQ(hypervisor_.domains().at("lab-cp-1").state, drivers::DomainState::kShutOff);
  EXPECT_THAT(hypervisor_.calls(), Not(Contains("start lab-cp-1")));
}

model::Spec FourWorkers() {
  model::Spec spec = JoinSpec();
  spec.groups[1].count = 4;
  return spec;
}

// The workers moved to another image: same roles, new image and hardware hash.
std::vector<Node> WorkersOnImage(const std::string& kernel) {
  std::vector<Node> nodes = JoinNodes(4);
  for (Node& node : nodes) {
    if (node.group != "wk") continue;
    node.image.kernel = kernel;
    node.image_hash = "img-" + kernel;
    node.hardware_hash = "hw-" + kernel;
  }
  return nodes;
}

int RunningWorkers(FakeHypervisor& hypervisor) {
  int running = 0;
  for (const auto& [name, domain] : hypervisor.domains()) {
    running += name.rfind("lab-wk-", 0) == 0 && domain.state == drivers::DomainState::kRunning;
  }
  return running;
}

// This test verifies that rolling four workers (max_unavailable 1) to an image
// whose kernel path has a typo deletes no node in any of many passes, as
// watch would run them: each pass reports the problem naming the path, and
// fixing the path then rolls the group one node at a time.
TEST_F(ReconcilerTest, RolloutToMissingImageDeletesNothingAcrossPasses) {
  Reconciler reconciler = Make(FourWorkers(), JoinNodes(4));
  ASSERT_TRUE(Apply(reconciler).converged);
  hypervisor_.MarkMissing("/imgs/vmlinux-tpyo");
  reconciler.SetDesired(FourWorkers(), WorkersOnImage("/imgs/vmlinux-tpyo"));
  for (int pass = 0; pass < 8; ++pass) {
    absl::StatusOr<PassResult> result = reconciler.ApplyPass();
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->plan.actions.empty());
    ASSERT_EQ(result->plan.problems.size(), 4u);
    EXPECT_THAT(result->plan.problems[0].message, HasSubstr("/imgs/vmlinux-tpyo"));
    EXPECT_EQ(RunningWorkers(hypervisor_), 4);
  }
  for (const std::string& call : hypervisor_.calls()) EXPECT_THAT(call, Not(HasSubstr("delete")));

  reconciler.SetDesired(FourWorkers(), WorkersOnImage("/imgs/vmlinux"));
  for (int pass = 0; pass < 12; ++pass) {
    ASSERT_TRUE(reconciler.ApplyPass().ok());
    EXPECT_GE(RunningWorkers(hypervisor_), 3) << "pass " << pass;
  }
  for (const auto& [name, domain] : hypervisor_.domains()) {
    if (name.rfind("lab-wk-", 0) == 0) EXPECT_EQ(domain.owner->image_hash, "img-/imgs/vmlinux");
  }
}

// This test verifies that when re-creating a replaced node fails for a reason
// no check could see (the hypervisor refuses every create), the rollout stops
// after that one node: in every later pass at most one worker is missing, the
// others keep running, and each pass says which member holds the group back.
TEST_F(ReconcilerTest, RolloutWhoseCreatesFailStopsAfterOneNode) {
  Reconciler reconciler = Make(FourWorkers(), JoinNodes(4));
  ASSERT_TRUE(Apply(reconciler).converged);
  hypervisor_.FailNext("create", absl::InternalError("qemu: could not start"), 1000);
  reconciler.SetDesired(FourWorkers(), WorkersOnImage("/imgs/vmlinux-2"));
  for (int pass = 0; pass < 8; ++pass) {
    absl::StatusOr<PassResult> result = reconciler.ApplyPass();
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_GE(RunningWorkers(hypervisor_), 3) << "pass " << pass;
    if (pass > 0) {
      ASSERT_FALSE(result->plan.deferred.empty());
      EXPECT_THAT(result->plan.deferred[0].message, HasSubstr("lab-wk-1 missing"));
    }
  }
  int deletes = 0;
  for (const std::string& call : hypervisor_.calls()) deletes += call.rfind("delete", 0) == 0;
  EXPECT_EQ(deletes, 1);
}

int CommandsLike(FakeNodeShell& shell, const std::string& node, const std::string& command) {
  int n = 0;
  for (const std::string& c : shell.commands(node)) n += c == command;
  return n;
}

// This test verifies that an output many dependants need at once runs once per
// pass (before, each concurrent configure ran `kubeadm token create` itself).
TEST_F(ReconcilerTest, AnOutputRunsOncePerPassForAllDependants) {
  model::Spec spec = JoinSpec();
  spec.groups[1].count = 8;
  std::vector<Node> nodes = JoinNodes(8);
  ReconcilerOptions options;
  options.executor.parallel = 8;
  options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
  Reconciler reconciler(spec, nodes, hypervisor_, shell_, clock_, options);
  ASSERT_TRUE(reconciler.ApplyPass().ok());
  EXPECT_EQ(CommandsLike(shell_, "lab-cp-1", "print-token"), 1);
}

// This test verifies that a plan (and so status) runs no output command on any
// node, even where dependants' checks need the output: it reads what the
// provider recorded when it last gave the value, and a converged cluster
// still plans nothing.
TEST_F(ReconcilerTest, PlanRunsNoOutputCommandAndStillSeesConvergence) {
  model::Spec spec = JoinSpec();
  spec.roles[1].steps[0].check = "grep -qx {{ role.control.outputs.token }} /etc/joined";
  shell_.Accept("grep");  // /etc/joined is written with the token by the step
  Reconciler reconciler = Make(spec, JoinNodes());
  ASSERT_TRUE(Apply(reconciler).converged);
  const int before = CommandsLike(shell_, "lab-cp-1", "print-token");
  absl::StatusOr<PassResult> plan = reconciler.PlanPass();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(plan->plan.converged());
  EXPECT_EQ(CommandsLike(shell_, "lab-cp-1", "print-token"), before);
  EXPECT_FALSE(shell_.files("lab-cp-1")["/var/lib/reconcile/roles/control.outputs"].empty());
}

}  // namespace
}  // namespace reconcile
