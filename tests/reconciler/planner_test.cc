#include "reconciler/planner.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

// A spec with a control plane whose output the workers need: the shape of the
// Kubernetes and SLURM recipes.
model::Spec TwoTierSpec(bool prune = false) {
  model::Spec spec;
  spec.cluster = "lab";
  spec.roles = {{.name = "control"}, {.name = "worker", .after = {"control"}}};
  spec.groups = {{.name = "cp", .count = 1, .image = "tiny", .roles = {"control"}},
                 {.name = "wk", .count = 2, .image = "tiny", .roles = {"worker"}}};
  spec.policy.prune = prune;
  return spec;
}

std::vector<Node> TwoTierNodes() {
  return {testing::TestNode("cp", 1, {"control"}), testing::TestNode("wk", 1, {"worker"}),
          testing::TestNode("wk", 2, {"worker"})};
}

ObservedDomain OwnedDomain(const Node& node) {
  return ObservedDomain{.name = node.name, .managed = true, .cluster = "lab",
                        .group = node.group, .index = node.index,
                        .hardware_hash = node.hardware_hash, .image_hash = node.image_hash,
                        .state = DomainState::kRunning, .vcpus = node.cpus,
                        .memory_bytes = node.memory_bytes};
}

model::NodeProbe ConvergedProbe(const Node& node) {
  model::NodeProbe probe;
  probe.address = "10.0.0.1";
  for (const auto& [role, hash] : node.role_hashes) {
    probe.applied_roles[role] = hash;
    probe.checks_pass[role] = true;
  }
  return probe;
}

ObservedState Converged(const std::vector<Node>& nodes) {
  ObservedState observed;
  for (const Node& node : nodes) {
    if (!node.existing) observed.domains.push_back(OwnedDomain(node));
    observed.probes[node.name] = ConvergedProbe(node);
  }
  return observed;
}

ObservedDomain& DomainOf(ObservedState& observed, const std::string& name) {
  return *std::find_if(observed.domains.begin(), observed.domains.end(),
                       [&](const ObservedDomain& d) { return d.name == name; });
}

// "create lab-cp-1", "configure lab-wk-1 worker": compact, order-preserving.
std::vector<std::string> Summary(const Plan& plan) {
  std::vector<std::string> out;
  for (const model::Action& a : plan.actions) {
    std::string line = std::string(model::ActionKindName(a.kind)) + " " + a.node;
    if (!a.role.empty()) line += " " + a.role;
    out.push_back(line);
  }
  return out;
}

const model::Action& Find(const Plan& plan, ActionKind kind, const std::string& node,
                          const std::string& role = "") {
  auto it = std::find_if(plan.actions.begin(), plan.actions.end(), [&](const model::Action& a) {
    return a.kind == kind && a.node == node && a.role == role;
  });
  EXPECT_NE(it, plan.actions.end()) << "no " << model::ActionKindName(kind) << " " << node;
  return *it;
}

// Plays a plan against observed state the way a successful apply would.
void SimulateApply(const Plan& plan, const std::vector<Node>& nodes, ObservedState& observed) {
  auto node_of = [&](const std::string& name) {
    return *std::find_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.name == name; });
  };
  for (const model::Action& a : plan.actions) {
    switch (a.kind) {
      case ActionKind::kCreate:
      case ActionKind::kReplace:
        std::erase_if(observed.domains, [&](const ObservedDomain& d) { return d.name == a.node; });
        observed.domains.push_back(OwnedDomain(node_of(a.node)));
        observed.probes[a.node] = model::NodeProbe{.address = "10.0.0.9"};
        break;
      case ActionKind::kStart:
        DomainOf(observed, a.node).state = DomainState::kRunning;
        break;
      case ActionKind::kUpdate: {
        ObservedDomain& d = DomainOf(observed, a.node);
        d.hardware_hash = node_of(a.node).hardware_hash;
        d.vcpus = node_of(a.node).cpus;
        d.memory_bytes = node_of(a.node).memory_bytes;
        break;
      }
      case ActionKind::kConfigure:
        observed.probes[a.node].status = absl::OkStatus();
        observed.probes[a.node].applied_roles[a.role] = node_of(a.node).role_hashes.at(a.role);
        observed.probes[a.node].checks_pass[a.role] = true;
        break;
      case ActionKind::kDelete:
        std::erase_if(observed.domains, [&](const ObservedDomain& d) { return d.name == a.node; });
        observed.probes.erase(a.node);
        break;
      case ActionKind::kCreateNetwork:
      case ActionKind::kDeleteNetwork:
        break;  // tests/reconciler/network_plan_test.cc plays these
    }
  }
}

void ExpectDependenciesComeFirst(const Plan& plan) {
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    EXPECT_EQ(plan.actions[i].id, static_cast<int>(i));
    for (int dep : plan.actions[i].depends_on) EXPECT_LT(dep, plan.actions[i].id);
  }
}

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
