// This test verifies how the planner rolls disruptive changes through a
// group: in-place updates and restarts, replacements at most max_unavailable
// at a time (members already unavailable count, down ones are free), and
// that nothing is deleted or disrupted when its replacement cannot be made.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconciler/planner.h"
#include "tests/reconciler/planner_fixtures.h"

namespace reconcile {
namespace {

using model::ActionKind;
using model::DomainState;
using model::Node;
using model::ObservedDomain;
using model::ObservedState;
using model::Plan;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// This test verifies that changed cpus or memory update the domain in place,
// with a restart only when it is running.
TEST(Planner, HardwareChangeUpdatesInPlace) {
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState observed = Converged(nodes);
  nodes[1].cpus = 2;
  nodes[1].memory_bytes = 1024ull << 20;
  nodes[1].hardware_hash = "hw2";

  Plan running = ComputePlan(TwoTierSpec(), nodes, observed);
  ASSERT_THAT(Summary(running), ElementsAre("update lab-wk-1", "configure lab-wk-1 worker"));
  EXPECT_TRUE(running.actions[0].restart);
  EXPECT_EQ(running.actions[0].reason, "cpus 1 -> 2, memory 512 MiB -> 1024 MiB");

  DomainOf(observed, "lab-wk-1").state = DomainState::kShutOff;
  Plan stopped = ComputePlan(TwoTierSpec(), nodes, observed);
  ASSERT_THAT(Summary(stopped),
              ElementsAre("update lab-wk-1", "start lab-wk-1", "configure lab-wk-1 worker"));
  EXPECT_FALSE(stopped.actions[0].restart);
  EXPECT_THAT(stopped.actions[1].depends_on, ElementsAre(0));
}

// This test verifies that a change that applies to the running domain (a
// grown root disk, autostart: the hash moves, cpus and memory do not) is an
// update without restart: no role is re-applied and no rolling slot taken,
// so every member of the group is updated in the same pass.
TEST(Planner, InPlaceOnlyChangeNeedsNoRestartNorRollingSlot) {
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState observed = Converged(nodes);
  for (Node& node : nodes) {
    if (node.group == "wk") node.hardware_hash = "hw-bigger-disk";
  }
  Plan plan = ComputePlan(TwoTierSpec(), nodes, observed);
  ASSERT_THAT(Summary(plan), ElementsAre("update lab-wk-1", "update lab-wk-2"));
  for (const model::Action& action : plan.actions) {
    EXPECT_FALSE(action.restart);
    EXPECT_EQ(action.reason, "root disk, autostart or data disks changed (in place, no restart)");
  }
  EXPECT_THAT(plan.deferred, IsEmpty());
}

// This test verifies that a changed image replaces nodes, at most
// max_unavailable per group in one pass, the rest deferred to later passes.
TEST(Planner, ImageChangeReplacesRollingThroughGroup) {
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState observed = Converged(nodes);
  for (Node& node : nodes) {
    node.image_hash = "img2";
    node.hardware_hash = "hw2";
  }

  Plan plan = ComputePlan(TwoTierSpec(), nodes, observed);
  EXPECT_THAT(Summary(plan), ElementsAre("replace lab-cp-1", "replace lab-wk-1",
                                         "configure lab-cp-1 control", "configure lab-wk-1 worker"));
  ASSERT_EQ(plan.deferred.size(), 1u);
  EXPECT_EQ(plan.deferred[0].node, "lab-wk-2");
  EXPECT_THAT(plan.deferred[0].message, HasSubstr("allows 1 unavailable"));
  EXPECT_FALSE(plan.converged());
  ExpectDependenciesComeFirst(plan);

  SimulateApply(plan, nodes, observed);
  EXPECT_THAT(Summary(ComputePlan(TwoTierSpec(), nodes, observed)),
              ElementsAre("replace lab-wk-2", "configure lab-wk-2 worker"));
}

// A group of four workers behind one control plane, rolled one at a time.
model::Spec FourWorkerSpec() {
  model::Spec spec = TwoTierSpec();
  spec.groups[1].count = 4;
  return spec;
}
std::vector<Node> FourWorkerNodes() {
  std::vector<Node> nodes = {testing::TestNode("cp", 1, {"control"})};
  for (int i = 1; i <= 4; ++i) nodes.push_back(testing::TestNode("wk", i, {"worker"}));
  return nodes;
}

// This test verifies that a replacement whose successor cannot be created (the
// new image's path does not exist) is a plan problem naming the path, and that
// nothing is deleted or replaced: the old nodes are kept.
TEST(Planner, ReplaceWhoseCreateCannotSucceedIsAProblemAndDeletesNothing) {
  std::vector<Node> nodes = FourWorkerNodes();
  ObservedState observed = Converged(nodes);
  for (Node& node : nodes) {
    if (node.group == "wk") node.image_hash = node.hardware_hash = "typo";
  }
  observed.create_problems["wk"]["default"] =
      "image tiny: kernel /var/lib/imgs/vmlinux-tpyo cannot be read: No such file or directory";
  Plan plan = ComputePlan(FourWorkerSpec(), nodes, observed);
  EXPECT_THAT(Summary(plan), IsEmpty());
  ASSERT_EQ(plan.problems.size(), 4u);
  for (const model::PlanProblem& problem : plan.problems) {
    EXPECT_THAT(problem.message, HasSubstr("not replaced (the node is kept as it is)"));
    EXPECT_THAT(problem.message, HasSubstr("/var/lib/imgs/vmlinux-tpyo"));
  }
  EXPECT_FALSE(plan.converged());
}

// This test verifies that a node that cannot be created is a plan problem, not
// a create that apply would then fail.
TEST(Planner, CreateThatCannotSucceedIsAProblem) {
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState observed;
  observed.create_problems["wk"]["default"] = "network \"lab\" does not exist";
  Plan plan = ComputePlan(TwoTierSpec(), nodes, observed);
  EXPECT_THAT(Summary(plan), ElementsAre("create lab-cp-1", "configure lab-cp-1 control"));
  ASSERT_EQ(plan.problems.size(), 2u);
  EXPECT_EQ(plan.problems[0].node, "lab-wk-1");
  EXPECT_THAT(plan.problems[0].message, HasSubstr("cannot be created: network \"lab\""));
}

// This test verifies that the rolling budget counts members left unavailable by
// an earlier pass: with one worker missing (its re-create failed), no other
// worker is replaced, and the deferral names the missing one; the missing one
// is created again.
TEST(Planner, MemberMissingFromAnEarlierPassHoldsTheRolloutBack) {
  std::vector<Node> nodes = FourWorkerNodes();
  ObservedState observed = Converged(nodes);
  for (Node& node : nodes) {
    if (node.group == "wk") node.image_hash = node.hardware_hash = "new";
  }
  std::erase_if(observed.domains, [](const ObservedDomain& d) { return d.name == "lab-wk-1"; });
  observed.probes.erase("lab-wk-1");
  Plan plan = ComputePlan(FourWorkerSpec(), nodes, observed);
  EXPECT_THAT(Summary(plan), ElementsAre("create lab-wk-1", "configure lab-wk-1 worker"));
  ASSERT_EQ(plan.deferred.size(), 3u);
  EXPECT_THAT(plan.deferred[0].message, HasSubstr("allows 1 unavailable at a time and 1 is "
                                                  "(lab-wk-1 missing)"));
}

// This test verifies that members that are running but not converged (a role
// to re-apply, a failing check) count against the budget too, while a member
// that is down already (shut off) may be replaced without waiting.
TEST(Planner, UnconvergedMembersCountAndDownMembersAreFree) {
  std::vector<Node> nodes = FourWorkerNodes();
  ObservedState observed = Converged(nodes);
  for (Node& node : nodes) {
    if (node.group == "wk") node.image_hash = node.hardware_hash = "new";
  }
  observed.probes["lab-wk-2"].checks_pass["worker"] = false;
  DomainOf(observed, "lab-wk-4").state = DomainState::kShutOff;
  Plan plan = ComputePlan(FourWorkerSpec(), nodes, observed);
  // wk-4 is down: replacing it costs nothing; wk-2 unconverged uses the
  // budget and is configured where it runs, so the rollout can go on.
  EXPECT_THAT(Summary(plan), ElementsAre("replace lab-wk-4", "configure lab-wk-2 worker",
                                         "configure lab-wk-4 worker"));
  ASSERT_EQ(plan.deferred.size(), 3u);
  EXPECT_EQ(plan.deferred[0].node, "lab-wk-1");
  EXPECT_THAT(plan.deferred[0].message, HasSubstr("lab-wk-2 not converged"));
}

// This test verifies that a larger budget replaces more of a group at once.
TEST(Planner, MaxUnavailableWidensTheRollingBatch) {
  model::Spec spec = TwoTierSpec();
  spec.groups[1].max_unavailable = 2;
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState observed = Converged(nodes);
  for (Node& node : nodes) node.image_hash = node.hardware_hash = "new";
  Plan plan = ComputePlan(spec, nodes, observed);
  EXPECT_THAT(plan.deferred, IsEmpty());
  EXPECT_EQ(std::count_if(plan.actions.begin(), plan.actions.end(),
                          [](const auto& a) { return a.kind == ActionKind::kReplace; }),
            3);
}

}  // namespace
}  // namespace reconcile
