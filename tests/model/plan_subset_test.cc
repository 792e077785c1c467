// This test verifies RestrictPlan (`--target`): the targeted nodes' actions
// and, transitively, what they depend on stay, renumbered with their
// dependencies rewritten; everything else, and other nodes' problems,
// orphans and deferrals, goes; host-level problems stay.
#include "model/plan_subset.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::model {
namespace {

using ::testing::ElementsAre;

Action Make(int id, ActionKind kind, std::string node, std::vector<int> depends_on = {}) {
  Action action;
  action.id = id;
  action.kind = kind;
  action.node = std::move(node);
  action.depends_on = std::move(depends_on);
  return action;
}

// leader create (0) <- leader configure (1) <- member-1 configure (3), which
// also needs member-1 create (2); member-2 create (4) <- configure (5) <- (1).
Plan ClusterPlan() {
  Plan plan;
  plan.actions = {Make(0, ActionKind::kCreate, "leader"),
                  Make(1, ActionKind::kConfigure, "leader", {0}),
                  Make(2, ActionKind::kCreate, "member-1"),
                  Make(3, ActionKind::kConfigure, "member-1", {1, 2}),
                  Make(4, ActionKind::kCreate, "member-2"),
                  Make(5, ActionKind::kConfigure, "member-2", {1, 4})};
  plan.problems = {{"member-2", "blocked"}, {"", "host rack2 unreachable", "rack2"}};
  plan.orphans = {"member-1", "old-9"};
  plan.deferred = {{"member-2", "held back"}};
  return plan;
}

std::vector<std::string> Nodes(const Plan& plan) {
  std::vector<std::string> out;
  for (const Action& a : plan.actions) out.push_back(a.node + "#" + std::to_string(a.id));
  return out;
}

TEST(RestrictPlanTest, KeepsTheTargetAndWhatItDependsOn) {
  Plan subset = RestrictPlan(ClusterPlan(), {"member-1"});
  EXPECT_THAT(Nodes(subset), ElementsAre("leader#0", "leader#1", "member-1#2", "member-1#3"));
  EXPECT_THAT(subset.actions[3].depends_on, ElementsAre(1, 2));
  EXPECT_THAT(subset.orphans, ElementsAre("member-1"));
  ASSERT_EQ(subset.problems.size(), 1u);
  EXPECT_EQ(subset.problems[0].host, "rack2");
  EXPECT_TRUE(subset.deferred.empty());
}

TEST(RestrictPlanTest, RenumbersAcrossGaps) {
  Plan subset = RestrictPlan(ClusterPlan(), {"member-2"});
  EXPECT_THAT(Nodes(subset), ElementsAre("leader#0", "leader#1", "member-2#2", "member-2#3"));
  EXPECT_THAT(subset.actions[3].depends_on, ElementsAre(1, 2));
  EXPECT_EQ(subset.problems.size(), 2u);
  EXPECT_EQ(subset.deferred.size(), 1u);
}

TEST(RestrictPlanTest, AProviderAloneNeedsNothingOfItsDependants) {
  Plan subset = RestrictPlan(ClusterPlan(), {"leader"});
  EXPECT_THAT(Nodes(subset), ElementsAre("leader#0", "leader#1"));
  EXPECT_TRUE(RestrictPlan(ClusterPlan(), {"nobody"}).actions.empty());
}

}  // namespace
}  // namespace reconcile::model
