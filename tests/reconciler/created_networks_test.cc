// This test verifies what a pass does with `create_network`: the network is
// created before the nodes that join it (which wait for it), once; a network
// of that name the cluster did not create, or its own with another subnet,
// is a problem that creates no node on it; a stopped one is started again;
// and one that left the spec goes after the nodes on it (prune on) or is an
// orphan (prune off).
#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reconciler/join_cluster.h"

namespace reconcile {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// The join cluster with its workers on a second, created network "storage".
model::Spec StorageSpec(std::string cidr = "10.78.0.0/24") {
  model::Spec spec = JoinSpec();
  spec.hypervisor.create_networks = {{.name = "storage", .cidr = std::move(cidr)}};
  return spec;
}

std::vector<Node> StorageNodes() {
  std::vector<Node> nodes = JoinNodes();
  for (Node& node : nodes) {
    if (node.group == "wk") node.nics = {{.network = "default"}, {.network = "storage"}};
  }
  return nodes;
}

const model::Action* FindAction(const model::Plan& plan, model::ActionKind kind,
                                const std::string& target) {
  for (const model::Action& action : plan.actions) {
    if (action.kind == kind && (action.node == target || action.network == target)) return &action;
  }
  return nullptr;
}

using CreatedNetworksTest = JoinClusterTest;

// This test verifies the order (the network's action first, the workers'
// creates waiting for it, the control plane not), that apply converges with
// the network owned and running, and that the next plan is empty.
TEST_F(CreatedNetworksTest, NetworkIsCreatedFirstAndOnlyTheNodesOnItWait) {
  Reconciler reconciler = Make(StorageSpec(), StorageNodes());
  absl::StatusOr<PassResult> plan = reconciler.PlanPass();
  ASSERT_TRUE(plan.ok()) << plan.status();
  const model::Action* network = FindAction(plan->plan, model::ActionKind::kCreateNetwork, "storage");
  ASSERT_NE(network, nullptr);
  EXPECT_EQ(network->id, 0);
  EXPECT_EQ(network->reason, "NAT network 10.78.0.0/24 the cluster owns");
  EXPECT_THAT(FindAction(plan->plan, model::ActionKind::kCreate, "lab-wk-1")->depends_on,
              Contains(network->id));
  EXPECT_THAT(FindAction(plan->plan, model::ActionKind::kCreate, "lab-cp-1")->depends_on,
              Not(Contains(network->id)));
  EXPECT_THAT(hypervisor_.calls(), ElementsAre("list", "list-networks")) << "a plan changes nothing";

  ASSERT_TRUE(Apply(reconciler).converged);
  EXPECT_EQ(hypervisor_.networks().at("storage"),
            (drivers::NetworkInfo{.name = "storage", .owned = true, .active = true,
                                  .cidr = "10.78.0.0/24"}));
  EXPECT_THAT(hypervisor_.domains().at("lab-wk-1").networks, ElementsAre("default", "storage"));
  absl::StatusOr<PassResult> again = reconciler.PlanPass();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->plan.converged());
}

// This test verifies that a network of that name made by someone else is a
// problem naming it, that no worker is created (the control plane is), and
// that the foreign network is not touched.
TEST_F(CreatedNetworksTest, ForeignNetworkOfThatNameBlocksOnlyItsNodes) {
  hypervisor_.AddForeignNetwork("storage", "10.78.0.0/24");
  Reconciler reconciler = Make(StorageSpec(), StorageNodes());
  ASSERT_FALSE(Apply(reconciler).converged);
  const model::Plan& plan = passes_.front().plan;
  ASSERT_FALSE(plan.problems.empty());
  EXPECT_THAT(plan.problems.front().message,
              HasSubstr("network storage exists and was not created by cluster lab"));
  EXPECT_EQ(FindAction(plan, model::ActionKind::kCreateNetwork, "storage"), nullptr);
  EXPECT_EQ(FindAction(plan, model::ActionKind::kCreate, "lab-wk-1"), nullptr);
  EXPECT_NE(FindAction(plan, model::ActionKind::kCreate, "lab-cp-1"), nullptr);
  EXPECT_EQ(hypervisor_.domains().count("lab-wk-1"), 0u);
  EXPECT_THAT(hypervisor_.calls(), Not(Contains(HasSubstr("ensure-network"))));
  EXPECT_EQ(hypervisor_.networks().at("storage").owned, false);
}

// This test verifies that a subnet overlapping another network of the host
// is refused at plan time, before anything is defined.
TEST_F(CreatedNetworksTest, OverlappingSubnetIsAPlanProblem) {
  hypervisor_.AddForeignNetwork("default", "10.78.0.0/16");
  Reconciler reconciler = Make(StorageSpec(), StorageNodes());
  absl::StatusOr<PassResult> plan = reconciler.PlanPass();
  ASSERT_TRUE(plan.ok());
  ASSERT_FALSE(plan->plan.problems.empty());
  EXPECT_THAT(plan->plan.problems.front().message,
              HasSubstr("its subnet overlaps network default (10.78.0.0/16)"));
  EXPECT_EQ(FindAction(plan->plan, model::ActionKind::kCreateNetwork, "storage"), nullptr);
}

// This test verifies that the cluster's network with another subnet in the
// spec is a problem (never re-subnetted under its nodes), and that a stopped
// one is started again before its stopped nodes are.
TEST_F(CreatedNetworksTest, OwnedNetworkIsRestartedButNeverResubnetted) {
  Reconciler reconciler = Make(StorageSpec(), StorageNodes());
  ASSERT_TRUE(Apply(reconciler).converged);

  reconciler.SetDesired(StorageSpec("10.79.0.0/24"), StorageNodes());
  absl::StatusOr<PassResult> moved = reconciler.PlanPass();
  ASSERT_TRUE(moved.ok());
  ASSERT_FALSE(moved->plan.problems.empty());
  EXPECT_THAT(moved->plan.problems.front().message,
              HasSubstr("created with subnet 10.78.0.0/24 and the spec asks for 10.79.0.0/24"));

  reconciler.SetDesired(StorageSpec(), StorageNodes());
  hypervisor_.SetNetworkActive("storage", false);
  hypervisor_.SetState("lab-wk-1", model::DomainState::kShutOff);
  absl::StatusOr<PassResult> stopped = reconciler.PlanPass();
  ASSERT_TRUE(stopped.ok());
  const model::Action* start_network =
      FindAction(stopped->plan, model::ActionKind::kCreateNetwork, "storage");
  ASSERT_NE(start_network, nullptr);
  EXPECT_EQ(start_network->reason, "owned network is not active: start it");
  EXPECT_THAT(FindAction(stopped->plan, model::ActionKind::kStart, "lab-wk-1")->depends_on,
              Contains(start_network->id));
  ASSERT_TRUE(Apply(reconciler).converged);
  EXPECT_TRUE(hypervisor_.networks().at("storage").active);
}

// This test verifies that a network that left the spec is deleted after the
// nodes on it (prune on), and is an orphan left alone with prune off.
TEST_F(CreatedNetworksTest, NetworkThatLeftTheSpecGoesAfterItsNodes) {
  Reconciler reconciler = Make(StorageSpec(), StorageNodes());
  ASSERT_TRUE(Apply(reconciler).converged);

  model::Spec without = JoinSpec();
  without.policy.prune = false;
  without.groups[1].count = 0;
  reconciler.SetDesired(without, JoinNodes(0));
  absl::StatusOr<PassResult> kept = reconciler.PlanPass();
  ASSERT_TRUE(kept.ok());
  EXPECT_THAT(kept->plan.orphan_networks, ElementsAre("storage"));
  EXPECT_EQ(FindAction(kept->plan, model::ActionKind::kDeleteNetwork, "storage"), nullptr);

  without.policy.prune = true;
  reconciler.SetDesired(without, JoinNodes(0));
  absl::StatusOr<PassResult> pruned = reconciler.PlanPass();
  ASSERT_TRUE(pruned.ok());
  const model::Action* removal = FindAction(pruned->plan, model::ActionKind::kDeleteNetwork, "storage");
  ASSERT_NE(removal, nullptr);
  EXPECT_THAT(removal->depends_on,
              ElementsAre(FindAction(pruned->plan, model::ActionKind::kDelete, "lab-wk-1")->id,
                          FindAction(pruned->plan, model::ActionKind::kDelete, "lab-wk-2")->id));
  ASSERT_TRUE(Apply(reconciler).converged);
  EXPECT_EQ(hypervisor_.networks().count("storage"), 0u);
  const std::vector<std::string> calls = hypervisor_.calls();
  EXPECT_LT(std::find(calls.begin(), calls.end(), "delete lab-wk-2") - calls.begin(),
            std::find(calls.begin(), calls.end(), "delete-network storage") - calls.begin());
}

// This test verifies that a network dropped from create_network while the
// spec's nodes still join it is kept and used as an existing network:
// neither deleted nor an orphan; and that with no node left (what destroy
// asks for: the groups stay, the nodes go) it is deleted after them.
TEST_F(CreatedNetworksTest, NetworkStillJoinedByTheSpecIsKept) {
  Reconciler reconciler = Make(StorageSpec(), StorageNodes());
  ASSERT_TRUE(Apply(reconciler).converged);
  model::Spec adopted = StorageSpec();
  adopted.hypervisor.create_networks.clear();
  adopted.groups[1].networks = {{.network = "default"}, {.network = "storage"}};
  reconciler.SetDesired(adopted, StorageNodes());
  absl::StatusOr<PassResult> plan = reconciler.PlanPass();
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->plan.converged());
  EXPECT_THAT(plan->plan.orphan_networks, ::testing::IsEmpty());
  EXPECT_TRUE(hypervisor_.networks().at("storage").active);

  reconciler.SetDesired(adopted, {});
  ASSERT_TRUE(Apply(reconciler).converged);
  EXPECT_EQ(hypervisor_.networks().count("storage"), 0u);
  EXPECT_EQ(hypervisor_.domains().count("lab-wk-1"), 0u);
}

}  // namespace
}  // namespace reconcile
