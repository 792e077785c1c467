// The Hypervisor's network calls (ListNetworks, EnsureNetwork, DeleteNetwork)
// against the libvirt driver on the test driver and against the fake: the
// cluster's networks are created, found again as its own, and never one it
// did not create touched (contract_worlds.h has the two worlds).
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/drivers/libvirt/contract_worlds.h"
#include "tests/drivers/libvirt/testdriver_fixture.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

class NetworkContract : public ::testing::TestWithParam<Implementation> {
 protected:
  void SetUp() override {
    world_ = GetParam().make();
    ASSERT_NE(world_.hypervisor, nullptr);
  }
  Hypervisor& hv() { return *world_.hypervisor; }

  static NetworkRequest Storage(std::string cidr = "10.78.0.0/24") {
    NetworkRequest request;
    request.cluster = "lab";
    request.hypervisor.network = "lab";
    request.hypervisor.pool = "rcl";
    request.network = {.name = "storage", .cidr = std::move(cidr)};
    request.hypervisor.create_networks = {request.network};
    return request;
  }

  // The network `name` as listed for cluster `cluster`; empty name if absent.
  NetworkInfo Listed(const std::string& name, const std::string& cluster = "lab") {
    absl::StatusOr<std::vector<NetworkInfo>> networks = hv().ListNetworks(cluster);
    EXPECT_THAT(networks.status(), IsOk());
    if (!networks.ok()) return {};
    for (const NetworkInfo& network : *networks) {
      if (network.name == name) return network;
    }
    return {};
  }

  World world_;
};

// This test verifies that a network this tool did not create is listed as
// it is (subnet, active) and never as the cluster's.
TEST_P(NetworkContract, ExistingNetworkIsListedNotOwned) {
  EXPECT_EQ(Listed("lab"), (NetworkInfo{.name = "lab", .owned = false, .active = true,
                                        .cidr = "10.77.0.0/24"}));
}

// This test verifies that EnsureNetwork creates the network as the
// cluster's, running, with its subnet; that a second call changes nothing;
// and that another cluster does not see it as its own.
TEST_P(NetworkContract, EnsureCreatesAnOwnedNetworkOnceAndOnlyForThisCluster) {
  ASSERT_THAT(hv().EnsureNetwork(Storage()), IsOk());
  const NetworkInfo want{.name = "storage", .owned = true, .active = true, .cidr = "10.78.0.0/24"};
  EXPECT_EQ(Listed("storage"), want);
  ASSERT_THAT(hv().EnsureNetwork(Storage()), IsOk());
  EXPECT_EQ(Listed("storage"), want);
  EXPECT_FALSE(Listed("storage", "other").owned);
}

// This test verifies that a network of that name this tool did not create
// is refused by name and left as it was.
TEST_P(NetworkContract, ForeignNetworkOfThatNameIsRefusedAndUntouched) {
  NetworkRequest lab = Storage("10.77.0.0/24");
  lab.network.name = "lab";
  EXPECT_THAT(hv().EnsureNetwork(lab),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not created by cluster lab")));
  EXPECT_THAT(hv().DeleteNetwork(lab),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("lab")));
  EXPECT_EQ(Listed("lab"), (NetworkInfo{.name = "lab", .active = true, .cidr = "10.77.0.0/24"}));
}

// This test verifies that an owned network asked for with another subnet is
// refused (never changed under its nodes), and an owned one that was
// stopped is started again.
TEST_P(NetworkContract, OwnedNetworkIsStartedAgainButNeverResubnetted) {
  ASSERT_THAT(hv().EnsureNetwork(Storage()), IsOk());
  EXPECT_THAT(hv().EnsureNetwork(Storage("10.79.0.0/24")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("10.78.0.0/24")));
  world_.stop_network("storage");
  EXPECT_FALSE(Listed("storage").active);
  ASSERT_THAT(hv().EnsureNetwork(Storage()), IsOk());
  EXPECT_TRUE(Listed("storage").active);
}

// This test verifies that a node can be created on the cluster's network
// once it exists, that the network is not deleted while the node has an
// interface on it, and that it is deleted (and a second delete is OK) once
// the node is gone.
TEST_P(NetworkContract, NetworkIsDeletedOnlyWhenNoDomainUsesIt) {
  ASSERT_THAT(hv().EnsureNetwork(Storage()), IsOk());
  NodeRequest node = libvirt::TestDriverRequest("db", 1);
  node.hypervisor = Storage().hypervisor;
  node.node.nics = {{.network = "lab"}, {.network = "storage"}};
  ASSERT_THAT(hv().CreateNode(node).status(), IsOk());
  EXPECT_THAT(hv().DeleteNetwork(Storage()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("lab-db-1")));
  EXPECT_TRUE(Listed("storage").owned);
  ASSERT_THAT(hv().DeleteNode("lab-db-1", {}), IsOk());
  ASSERT_THAT(hv().DeleteNetwork(Storage()), IsOk());
  EXPECT_EQ(Listed("storage").name, "");
  EXPECT_THAT(hv().DeleteNetwork(Storage()), IsOk());
}

// This test verifies that CheckCreate does not refuse a node for a network
// the cluster is about to create: the plan creates it first.
TEST_P(NetworkContract, CheckCreateAcceptsANetworkOfCreateNetwork) {
  NodeRequest node = libvirt::TestDriverRequest("db", 1);
  node.hypervisor = Storage().hypervisor;
  node.node.nics = {{.network = "lab"}, {.network = "storage"}};
  EXPECT_THAT(hv().CheckCreate(node), IsOk());
  node.hypervisor.create_networks.clear();
  EXPECT_THAT(hv().CheckCreate(node),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("storage")));
}

INSTANTIATE_TEST_SUITE_P(
    BothImplementations, NetworkContract,
    ::testing::Values(Implementation{"LibvirtTestDriver", LibvirtWorld},
                      Implementation{"Fake", FakeWorld}),
    [](const ::testing::TestParamInfo<Implementation>& info) { return info.param.name; });

}  // namespace
}  // namespace reconcile::drivers
