#include "reconciler/planner.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reconciler/planner_fixtures.h"
#include "tests/testing/nodes.h"

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


// This test verifies that an empty hypervisor gets every node created, the
// control plane configured before any worker, and each role after its node.
TEST(Planner, EmptyClusterCreatesThenConfiguresInDependencyOrder) {
  std::vector<Node> nodes = TwoTierNodes();
  Plan plan = ComputePlan(TwoTierSpec(), nodes, ObservedState{});

  EXPECT_THAT(Summary(plan), ElementsAre("create lab-cp-1", "create lab-wk-1", "create lab-wk-2",
                                         "configure lab-cp-1 control", "configure lab-wk-1 worker",
                                         "configure lab-wk-2 worker"));
  ExpectDependenciesComeFirst(plan);
  const auto& control = Find(plan, ActionKind::kConfigure, "lab-cp-1", "control");
  EXPECT_THAT(control.depends_on, ElementsAre(Find(plan, ActionKind::kCreate, "lab-cp-1").id));
  const auto& worker = Find(plan, ActionKind::kConfigure, "lab-wk-2", "worker");
  EXPECT_THAT(worker.depends_on,
              ElementsAre(Find(plan, ActionKind::kCreate, "lab-wk-2").id, control.id));
  EXPECT_EQ(worker.reason, "new node");
  EXPECT_FALSE(plan.converged());
}

// This test verifies the level-triggered promise: a converged cluster plans
// nothing, and the plan after a successful apply is empty.
TEST(Planner, SecondPlanAfterApplyIsEmpty) {
  std::vector<Node> nodes = TwoTierNodes();
  EXPECT_TRUE(ComputePlan(TwoTierSpec(), nodes, Converged(nodes)).converged());

  ObservedState observed;
  Plan first = ComputePlan(TwoTierSpec(), nodes, observed);
  SimulateApply(first, nodes, observed);
  Plan second = ComputePlan(TwoTierSpec(), nodes, observed);
  EXPECT_THAT(Summary(second), IsEmpty());
  EXPECT_TRUE(second.converged());
}

struct StateCase {
  DomainState state;
  std::string reason;
};

class PlannerStoppedDomain : public ::testing::TestWithParam<StateCase> {};

// This test verifies that an owned domain that is not running is started, and
// its roles are re-applied after the start (its last probe is stale).
TEST_P(PlannerStoppedDomain, IsStartedThenConfigured) {
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState observed = Converged(nodes);
  DomainOf(observed, "lab-wk-1").state = GetParam().state;

  Plan plan = ComputePlan(TwoTierSpec(), nodes, observed);
  EXPECT_THAT(Summary(plan), ElementsAre("start lab-wk-1", "configure lab-wk-1 worker"));
  EXPECT_EQ(plan.actions[0].reason, GetParam().reason);
  EXPECT_THAT(plan.actions[1].depends_on, ElementsAre(0));
  ExpectDependenciesComeFirst(plan);
}

INSTANTIATE_TEST_SUITE_P(States, PlannerStoppedDomain,
                         ::testing::Values(StateCase{DomainState::kShutOff, "shut off"},
                                           StateCase{DomainState::kCrashed, "crashed"},
                                           StateCase{DomainState::kPaused, "paused"}));

// This test verifies that a node whose probe was refused for good (its host
// key does not match the recorded one) is a plan problem, not a pending
// configure: before, the plan showed "configure" and exited 0 / 2.
TEST(Planner, HostKeyMismatchIsAProblemNotAPendingConfigure) {
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState observed = Converged(nodes);
  observed.probes["lab-wk-1"].status =
      absl::FailedPreconditionError("HOST KEY MISMATCH for root@10.0.0.7:22: it presented ...");
  observed.probes["lab-wk-2"].status = absl::UnavailableError("connection refused");
  Plan plan = ComputePlan(TwoTierSpec(), nodes, observed);
  EXPECT_THAT(Summary(plan), ElementsAre("configure lab-wk-2 worker"));
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_EQ(plan.problems[0].node, "lab-wk-1");
  EXPECT_THAT(plan.problems[0].message, HasSubstr("HOST KEY MISMATCH"));
}

// This test verifies that deletes and orphans come in name order whatever
// order libvirt listed the domains in: the same world gives the same plan.
TEST(Planner, DeletesAndOrphansAreInNameOrder) {
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState listed = Converged(nodes);
  for (int i : {5, 3, 4}) listed.domains.push_back(OwnedDomain(testing::TestNode("wk", i, {"worker"})));
  ObservedState reversed = listed;
  std::reverse(reversed.domains.begin(), reversed.domains.end());
  EXPECT_THAT(Summary(ComputePlan(TwoTierSpec(/*prune=*/true), nodes, listed)),
              ElementsAre("delete lab-wk-3", "delete lab-wk-4", "delete lab-wk-5"));
  EXPECT_THAT(Summary(ComputePlan(TwoTierSpec(/*prune=*/true), nodes, reversed)),
              ElementsAre("delete lab-wk-3", "delete lab-wk-4", "delete lab-wk-5"));
  EXPECT_THAT(ComputePlan(TwoTierSpec(), nodes, reversed).orphans,
              ElementsAre("lab-wk-3", "lab-wk-4", "lab-wk-5"));
}

// This test verifies that an owned domain that left the spec is deleted only
// under prune, and listed as an orphan otherwise.
TEST(Planner, OrphansDeletedOnlyWithPrune) {
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState observed = Converged(nodes);
  observed.domains.push_back(OwnedDomain(testing::TestNode("wk", 3, {"worker"})));

  Plan kept = ComputePlan(TwoTierSpec(/*prune=*/false), nodes, observed);
  EXPECT_THAT(kept.actions, IsEmpty());
  EXPECT_THAT(kept.orphans, ElementsAre("lab-wk-3"));

  Plan pruned = ComputePlan(TwoTierSpec(/*prune=*/true), nodes, observed);
  EXPECT_THAT(Summary(pruned), ElementsAre("delete lab-wk-3"));
  EXPECT_EQ(pruned.actions[0].reason, "no longer in the spec");
}

// This test verifies that domains this cluster does not own are never planned
// for: not deleted under prune, and a name collision is a plan problem that
// also blocks roles waiting on that node.
TEST(Planner, UnownedDomainsAreNeverTouched) {
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState observed;
  observed.domains.push_back({.name = "lab-cp-1", .managed = false, .state = DomainState::kShutOff});
  observed.domains.push_back({.name = "unrelated", .managed = false});
  ObservedDomain foreign = OwnedDomain(testing::TestNode("wk", 9, {}));
  foreign.cluster = "other";
  observed.domains.push_back(foreign);

  Plan plan = ComputePlan(TwoTierSpec(/*prune=*/true), nodes, observed);
  for (const auto& action : plan.actions) {
    EXPECT_NE(action.node, "lab-cp-1");
    EXPECT_NE(action.node, "unrelated");
    EXPECT_NE(action.node, "lab-wk-9");
    EXPECT_NE(action.kind, ActionKind::kConfigure) << "workers need the blocked control plane";
  }
  EXPECT_THAT(Summary(plan), ElementsAre("create lab-wk-1", "create lab-wk-2"));
  ASSERT_EQ(plan.problems.size(), 3u);
  EXPECT_EQ(plan.problems[0].node, "lab-cp-1");
  EXPECT_THAT(plan.problems[0].message, HasSubstr("reconcile did not create"));
  EXPECT_THAT(plan.problems[1].message, HasSubstr("waits for role 'control'"));
}

// This test verifies that a domain of another cluster holding a node's name is
// a problem, not an update.
TEST(Planner, OtherClustersDomainWithNodeNameIsAProblem) {
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState observed = Converged(nodes);
  DomainOf(observed, "lab-wk-2").cluster = "prod";
  Plan plan = ComputePlan(TwoTierSpec(), nodes, observed);
  EXPECT_THAT(plan.actions, IsEmpty());
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_THAT(plan.problems[0].message, HasSubstr("belongs to cluster 'prod'"));
  EXPECT_FALSE(plan.converged());
}

struct DriftCase {
  std::string name;
  std::function<void(model::NodeProbe&)> drift;
  std::string reason;
};

class PlannerRoleDrift : public ::testing::TestWithParam<DriftCase> {};

// This test verifies each way a role drifts leads to configuring exactly that
// role on exactly that node.
TEST_P(PlannerRoleDrift, ConfiguresOnlyTheDriftedRole) {
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState observed = Converged(nodes);
  GetParam().drift(observed.probes["lab-wk-2"]);
  Plan plan = ComputePlan(TwoTierSpec(), nodes, observed);
  ASSERT_THAT(Summary(plan), ElementsAre("configure lab-wk-2 worker"));
  EXPECT_THAT(plan.actions[0].reason, HasSubstr(GetParam().reason));
  EXPECT_THAT(plan.actions[0].depends_on, IsEmpty()) << "the control plane is converged";
}

INSTANTIATE_TEST_SUITE_P(
    Drift, PlannerRoleDrift,
    ::testing::Values(
        DriftCase{"NotApplied", [](auto& p) { p.applied_roles.clear(); }, "not applied"},
        DriftCase{"OtherHash", [](auto& p) { p.applied_roles["worker"] = "old"; }, "changed"},
        DriftCase{"CheckFails", [](auto& p) { p.checks_pass["worker"] = false; }, "check fails"},
        DriftCase{"Unreachable",
                  [](auto& p) { p.status = absl::UnavailableError("connection refused"); },
                  "unreachable: connection refused"}),
    [](const auto& info) { return info.param.name; });

// This test verifies that a control-plane drift makes it run again, and that
// workers needing nothing are not re-run.
TEST(Planner, ProviderDriftDoesNotReconfigureConvergedDependants) {
  std::vector<Node> nodes = TwoTierNodes();
  ObservedState observed = Converged(nodes);
  nodes[0].role_hashes["control"] = "control-h2";
  EXPECT_THAT(Summary(ComputePlan(TwoTierSpec(), nodes, observed)),
              ElementsAre("configure lab-cp-1 control"));
}

// This test verifies that existing machines (`hosts:`) are configured but never
// created, started or deleted.
TEST(Planner, ExistingMachinesAreOnlyConfigured) {
  model::Spec spec = TwoTierSpec(/*prune=*/true);
  std::vector<Node> nodes = TwoTierNodes();
  nodes[1].existing = true;
  nodes[1].address = "node7.lab";
  ObservedState observed = Converged(nodes);
  observed.probes["lab-wk-1"].applied_roles.clear();

  Plan plan = ComputePlan(spec, nodes, observed);
  EXPECT_THAT(Summary(plan), ElementsAre("configure lab-wk-1 worker"));
}

// This test verifies that roles on one node run one at a time in dependency
// order even when they do not depend on each other.
TEST(Planner, RolesOnOneNodeAreSerialised) {
  model::Spec spec;
  spec.cluster = "lab";
  spec.roles = {{.name = "base"}, {.name = "monitoring"}, {.name = "app", .after = {"base"}}};
  spec.groups = {{.name = "all", .count = 1, .image = "tiny", .roles = {"app", "monitoring", "base"}}};
  std::vector<Node> nodes = {testing::TestNode("all", 1, {"base", "monitoring", "app"})};
  Plan plan = ComputePlan(spec, nodes, ObservedState{});
  ASSERT_THAT(Summary(plan), ElementsAre("create lab-all-1", "configure lab-all-1 base",
                                         "configure lab-all-1 monitoring",
                                         "configure lab-all-1 app"));
  EXPECT_THAT(plan.actions[2].depends_on, ElementsAre(1));
  EXPECT_THAT(plan.actions[3].depends_on, ElementsAre(1, 2));
  ExpectDependenciesComeFirst(plan);
}

// This test verifies that the plan comes out in dependency order as built
// (Finish does not sort it) with every kind of action in one pass, and that a
// dependency named twice is kept once: a configure after a role of its own
// node waits on that configure as the node's last action and as a provider.
TEST(Planner, EveryActionComesAfterItsDependenciesEachNamedOnce) {
  model::Spec spec = TwoTierSpec(/*prune=*/true);
  spec.groups.push_back({.name = "both", .count = 1, .image = "tiny", .roles = {"control", "worker"}});
  std::vector<Node> nodes = TwoTierNodes();
  nodes.push_back(testing::TestNode("both", 1, {"control", "worker"}));
  ObservedState observed = Converged(nodes);
  std::erase_if(observed.domains, [](const ObservedDomain& d) { return d.name == "lab-both-1"; });
  DomainOf(observed, "lab-wk-1").state = DomainState::kShutOff;
  nodes[0].image_hash = nodes[0].hardware_hash = "img2";
  observed.domains.push_back({.name = "lab-old-1", .managed = true, .cluster = "lab"});

  Plan plan = ComputePlan(spec, nodes, observed);
  ASSERT_THAT(Summary(plan),
              ElementsAre("replace lab-cp-1", "start lab-wk-1", "create lab-both-1",
                          "configure lab-cp-1 control", "configure lab-both-1 control",
                          "configure lab-wk-1 worker", "configure lab-both-1 worker",
                          "delete lab-old-1"));
  ExpectDependenciesComeFirst(plan);
  EXPECT_THAT(Find(plan, ActionKind::kConfigure, "lab-both-1", "worker").depends_on,
              ElementsAre(Find(plan, ActionKind::kConfigure, "lab-cp-1", "control").id,
                          Find(plan, ActionKind::kConfigure, "lab-both-1", "control").id));
}

}  // namespace
}  // namespace reconcile
