// This test verifies that the reconciler drives several hypervisor hosts, one
// driver each: new nodes are created on the host placement chose (with that
// host's network and pool), a converged cluster re-plans to nothing, a host
// that cannot be listed makes the nodes that may live there unknown (never
// created elsewhere, never deleted) while the other hosts proceed, deletes and
// restarts go to the host the domain is on, a domain found on two hosts is a
// problem never acted on, and capacity exhaustion is a problem in the plan.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconciler/planner.h"
#include "reconciler/reconciler.h"
#include "tests/testing/fake_hypervisor.h"
#include "tests/testing/fake_node_shell.h"
#include "tests/testing/nodes.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile {
namespace {

using model::ActionKind;
using model::Node;
using testing::FakeHypervisor;
using testing::FakeNodeShell;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// Remembers the pool each node was created in: proof the request carried
// the right host's settings.
class RecordingHypervisor : public FakeHypervisor {
 public:
  absl::StatusOr<drivers::CreatedNode> CreateNode(const drivers::NodeRequest& request) override {
    {
      absl::MutexLock lock(&mu_);
      pools_[request.node.name] = request.hypervisor.pool;
    }
    return FakeHypervisor::CreateNode(request);
  }
  std::map<std::string, std::string> pools() {
    absl::MutexLock lock(&mu_);
    return pools_;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, std::string> pools_;
};

model::Spec TwoHostSpec(int web, bool prune = false) {
  model::Spec spec;
  spec.cluster = "lab";
  spec.hypervisors = {{.name = "h1", .uri = "test:///h1", .pool = "p1"},
                      {.name = "h2", .uri = "test:///h2", .pool = "p2"}};
  spec.groups = {{.name = "web", .count = web, .image = "tiny"},
                 {.name = "db", .count = 1, .image = "tiny"}};
  spec.policy.prune = prune;
  return spec;
}

std::vector<Node> NodesOf(const model::Spec& spec) {
  std::vector<Node> nodes;
  for (const model::GroupSpec& group : spec.groups) {
    for (int i = 1; i <= group.count; ++i) nodes.push_back(testing::TestNode(group.name, i, {}));
  }
  return nodes;
}

std::vector<std::string> Names(FakeHypervisor& hypervisor) {
  std::vector<std::string> names;
  for (const auto& [name, domain] : hypervisor.domains()) names.push_back(name);
  return names;
}

class MultiHostTest : public ::testing::Test {
 protected:
  Reconciler Make(const model::Spec& spec) {
    ReconcilerOptions options = OptionsFromPolicy(spec);
    options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
    return Reconciler(spec, NodesOf(spec), {{"h1", &h1_}, {"h2", &h2_}}, shell_, clock_, options);
  }

  // Converges TwoHostSpec(2) and checks where everything went.
  void Converge() {
    Reconciler reconciler = Make(TwoHostSpec(2));
    ApplyOutcome outcome = ApplyUntilConverged(reconciler, 3, clock_);
    ASSERT_TRUE(outcome.converged) << outcome.stopped_because << " " << outcome.error;
  }

  RecordingHypervisor h1_, h2_;
  FakeNodeShell shell_;
  testing::SimulatedClock clock_;
};

TEST_F(MultiHostTest, CreatesEachNodeOnItsHostWithThatHostsPoolThenPlansNothing) {
  Reconciler reconciler = Make(TwoHostSpec(2));
  absl::StatusOr<PassResult> first = reconciler.PlanPass();
  ASSERT_TRUE(first.ok()) << first.status();
  std::vector<std::string> creates;
  for (const model::Action& action : first->plan.actions) {
    ASSERT_EQ(action.kind, ActionKind::kCreate);
    creates.push_back(action.node + "@" + action.host);
  }
  EXPECT_THAT(creates, ElementsAre("lab-web-1@h1", "lab-web-2@h2", "lab-db-1@h1"));

  Converge();
  EXPECT_THAT(Names(h1_), ElementsAre("lab-db-1", "lab-web-1"));
  EXPECT_THAT(Names(h2_), ElementsAre("lab-web-2"));
  EXPECT_THAT(h1_.pools(), UnorderedElementsAre(Pair("lab-web-1", "p1"), Pair("lab-db-1", "p1")));
  EXPECT_THAT(h2_.pools(), UnorderedElementsAre(Pair("lab-web-2", "p2")));

  absl::StatusOr<PassResult> again = Make(TwoHostSpec(2)).PlanPass();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->plan.converged()) << again->plan.actions.size() << " actions";
  for (const model::ObservedDomain& domain : again->observed.domains) {
    EXPECT_EQ(domain.host, domain.name == "lab-web-2" ? "h2" : "h1") << domain.name;
  }
}

TEST_F(MultiHostTest, AnUnreachableHostMakesItsNodesUnknownWhileOthersProceed) {
  Converge();
  h1_.SetState("lab-db-1", model::DomainState::kShutOff);
  h2_.FailNext("list", absl::UnavailableError("cannot connect to h2"), 100);

  Reconciler reconciler = Make(TwoHostSpec(3, /*prune=*/true));  // web-3 is new
  absl::StatusOr<PassResult> pass = reconciler.ApplyPass();
  ASSERT_TRUE(pass.ok()) << pass.status();
  const model::Plan& plan = pass->plan;
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].kind, ActionKind::kStart);
  EXPECT_EQ(plan.actions[0].node, "lab-db-1");
  EXPECT_EQ(plan.actions[0].host, "h1");
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_EQ(plan.problems[0].host, "h2");
  EXPECT_THAT(plan.problems[0].message,
              AllOf(HasSubstr("host h2 unreachable: 2 nodes unknown (lab-web-2, lab-web-3)"),
                    HasSubstr("cannot connect to h2")));
  EXPECT_EQ(pass->observed.unreachable_hosts.count("h2"), 1u);
  // Nothing was created in the unknown nodes' place, nothing deleted.
  EXPECT_THAT(Names(h1_), ElementsAre("lab-db-1", "lab-web-1"));
  EXPECT_EQ(h1_.domains().at("lab-db-1").state, model::DomainState::kRunning);
  EXPECT_THAT(Names(h2_), ElementsAre("lab-web-2"));
}

TEST_F(MultiHostTest, AnUnreachableHostNamesTenUnknownNodesAndCountsTheRest) {
  model::Spec spec = TwoHostSpec(15);
  model::ObservedState observed;
  observed.unreachable_hosts["h2"] = "down";
  model::Plan plan = ComputePlan(spec, NodesOf(spec), observed);
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_THAT(plan.problems[0].message,
              AllOf(HasSubstr("host h2 unreachable: 16 nodes unknown (lab-web-1, lab-web-2,"),
                    HasSubstr("lab-web-10, and 6 more); nothing is created")));
  EXPECT_THAT(plan.actions, IsEmpty());
}

TEST_F(MultiHostTest, ADomainOnTwoHostsIsAProblemAndNeverTouched) {
  Converge();
  // Someone copied lab-web-2 (on h2) to h1 by hand, and it left the spec.
  drivers::NodeRequest copy{.cluster = "lab", .node = testing::TestNode("web", 2, {}),
                            .hypervisor = TwoHostSpec(2).hypervisors[0]};
  ASSERT_TRUE(h1_.CreateNode(copy).ok());
  h1_.SetState("lab-web-2", model::DomainState::kShutOff);
  Reconciler reconciler = Make(TwoHostSpec(1, /*prune=*/true));
  absl::StatusOr<PassResult> pass = reconciler.ApplyPass();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_THAT(pass->plan.actions, IsEmpty());
  ASSERT_EQ(pass->plan.problems.size(), 1u);
  EXPECT_EQ(pass->plan.problems[0].node, "lab-web-2");
  EXPECT_THAT(pass->plan.problems[0].message, HasSubstr("exists on several hosts (h1, h2)"));
  EXPECT_THAT(Names(h1_), ElementsAre("lab-db-1", "lab-web-1", "lab-web-2"));
  EXPECT_THAT(Names(h2_), ElementsAre("lab-web-2"));
}

TEST_F(MultiHostTest, NoHostAnsweringFailsThePassRetryably) {
  h1_.FailNext("list", absl::UnavailableError("h1 down"), 10);
  h2_.FailNext("list", absl::UnavailableError("h2 down"), 10);
  absl::StatusOr<PassResult> pass = Make(TwoHostSpec(2)).PlanPass();
  ASSERT_FALSE(pass.ok());
  EXPECT_EQ(pass.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(pass.status().message(), AllOf(HasSubstr("h1: h1 down"), HasSubstr("h2: h2 down")));
}

TEST_F(MultiHostTest, DeletesGoToTheHostTheOrphanIsOn) {
  Converge();
  Reconciler reconciler = Make(TwoHostSpec(1, /*prune=*/true));  // web-2 (on h2) leaves
  absl::StatusOr<PassResult> pass = reconciler.ApplyPass();
  ASSERT_TRUE(pass.ok()) << pass.status();
  ASSERT_EQ(pass->plan.actions.size(), 1u);
  EXPECT_EQ(pass->plan.actions[0].kind, ActionKind::kDelete);
  EXPECT_EQ(pass->plan.actions[0].host, "h2");
  EXPECT_THAT(Names(h2_), IsEmpty());
  EXPECT_THAT(Names(h1_), ElementsAre("lab-db-1", "lab-web-1"));
}

TEST_F(MultiHostTest, ExhaustedCapacityIsAPlanProblemAndTheRestProceeds) {
  model::Spec spec = TwoHostSpec(3);
  spec.hypervisors[0].capacity.domains = 1;
  spec.hypervisors[1].capacity.domains = 2;
  model::Plan plan = ComputePlan(spec, NodesOf(spec), {});
  EXPECT_EQ(plan.actions.size(), 3u);
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_EQ(plan.problems[0].node, "lab-db-1");
  EXPECT_THAT(plan.problems[0].message,
              AllOf(HasSubstr("h1: domains 1 of 1 in use"), HasSubstr("h2: domains 2 of 2 in use")));
}

TEST_F(MultiHostTest, OneHostSpecsKeepActionsWithoutAHost) {
  model::Spec spec = TwoHostSpec(2);
  spec.hypervisors.clear();
  ReconcilerOptions options = OptionsFromPolicy(spec);
  options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
  Reconciler reconciler(spec, NodesOf(spec), h1_, shell_, clock_, options);
  absl::StatusOr<PassResult> pass = reconciler.ApplyPass();
  ASSERT_TRUE(pass.ok()) << pass.status();
  ASSERT_EQ(pass->plan.actions.size(), 3u);
  for (const model::Action& action : pass->plan.actions) EXPECT_EQ(action.host, "") << action.node;
  EXPECT_THAT(Names(h1_), ElementsAre("lab-db-1", "lab-web-1", "lab-web-2"));
  EXPECT_THAT(h1_.pools(), UnorderedElementsAre(Pair("lab-db-1", "default"),
                                                Pair("lab-web-1", "default"),
                                                Pair("lab-web-2", "default")));
}

}  // namespace
}  // namespace reconcile
