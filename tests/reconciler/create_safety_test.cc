// Creates and replaces that cannot succeed delete nothing: refused when
// planned and again before a replace deletes, and a rollout whose creates
// fail stops after one node (the rolling budget counts who is missing).
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

using CreateSafetyTest = JoinClusterTest;

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
    running += name.rfind("lab-wk-", 0) == 0 && domain.state == model::DomainState::kRunning;
  }
  return running;
}

// This test verifies that new nodes are not created without the operator's
// public key to seed them with: they could never be reached.
TEST_F(CreateSafetyTest, CreatingWithoutAnOperatorKeyIsRefused) {
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
TEST_F(CreateSafetyTest, ReplaceWithoutAnOperatorKeyDeletesNothing) {
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

// This test verifies that rolling four workers (max_unavailable 1) to an image
// whose kernel path has a typo deletes no node in any of many passes, as
// watch would run them: each pass reports the problem naming the path, and
// fixing the path then rolls the group one node at a time.
TEST_F(CreateSafetyTest, RolloutToMissingImageDeletesNothingAcrossPasses) {
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
    if (name.rfind("lab-wk-", 0) != 0) continue;
    EXPECT_EQ(domain.owner->image_hash, "img-/imgs/vmlinux");
  }
}

// This test verifies that a rollout giving the workers a second NIC on a
// network the host does not have (a typo) replaces nothing: every pass names
// the network, and all workers keep running.
TEST_F(CreateSafetyTest, SecondNicOnAMissingNetworkReplacesNothing) {
  Reconciler reconciler = Make(FourWorkers(), JoinNodes(4));
  ASSERT_TRUE(Apply(reconciler).converged);
  hypervisor_.MarkMissing("storrage");
  std::vector<Node> nodes = JoinNodes(4);
  for (Node& node : nodes) {
    if (node.group != "wk") continue;
    node.nics = {{.network = "lab"}, {.network = "storrage"}};
    node.image_hash = "img-two-nics";
    node.hardware_hash = "hw-two-nics";
  }
  reconciler.SetDesired(FourWorkers(), nodes);
  for (int pass = 0; pass < 3; ++pass) {
    absl::StatusOr<PassResult> result = reconciler.ApplyPass();
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->plan.actions.empty());
    ASSERT_EQ(result->plan.problems.size(), 4u);
    EXPECT_THAT(result->plan.problems[0].message, HasSubstr("network \"storrage\" does not exist"));
    EXPECT_EQ(RunningWorkers(hypervisor_), 4);
  }
  for (const std::string& call : hypervisor_.calls()) EXPECT_THAT(call, Not(HasSubstr("delete")));
}

// This test verifies that a node whose first NIC has a static address is
// dialled there, without asking the hypervisor for a lease.
TEST_F(CreateSafetyTest, StaticFirstAddressIsDialledWithoutDiscovery) {
  Reconciler reconciler = Make(FourWorkers(), JoinNodes(4));
  ASSERT_TRUE(Apply(reconciler).converged);
  hypervisor_.SetAddressesAvailable(false);  // no lease would ever come
  const model::Spec spec = FourWorkers();  // AddressBook keeps a reference
  AddressBook addresses(spec, hypervisor_);
  Node node = JoinNodes(4)[1];
  node.nics = {{.network = "lab", .address = "10.9.0.21/24"}};
  absl::StatusOr<drivers::SshTarget> target = addresses.TargetFor(node, absl::Seconds(1));
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->host, "10.9.0.21");
  EXPECT_THAT(target->expected_host_keys, ::testing::ElementsAre(FakeHypervisor::HostKeyOf(node.name)));
  // Another worker without one waits for a lease that never comes.
  EXPECT_FALSE(addresses.TargetFor(JoinNodes(4)[2], absl::Seconds(1)).ok());
}

// This test verifies that when re-creating a replaced node fails for a reason
// no check could see (the hypervisor refuses every create), the rollout stops
// after that one node: in every later pass at most one worker is missing, the
// others keep running, and each pass says which member holds the group back.
TEST_F(CreateSafetyTest, RolloutWhoseCreatesFailStopsAfterOneNode) {
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

// This test verifies that create readiness is asked only for groups with a
// node to create or replace: a converged pass (watch's steady state) makes no
// CheckCreate call, a changed image makes one for that group.
TEST_F(CreateSafetyTest, ReadinessIsCheckedOnlyWhereSomethingIsCreated) {
  Reconciler reconciler = Make(FourWorkers(), JoinNodes(4));
  ASSERT_TRUE(Apply(reconciler).converged);
  const int before = hypervisor_.check_creates();
  ASSERT_TRUE(reconciler.PlanPass().ok());
  EXPECT_EQ(hypervisor_.check_creates(), before);
  reconciler.SetDesired(FourWorkers(), WorkersOnImage("/imgs/vmlinux-2"));
  ASSERT_TRUE(reconciler.PlanPass().ok());
  EXPECT_EQ(hypervisor_.check_creates(), before + 1);
}

}  // namespace
}  // namespace reconcile
