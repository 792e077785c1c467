// The Hypervisor contract (drivers/hypervisor.h), run against the libvirt
// driver on libvirt's test driver and against the FakeHypervisor the
// reconciler's tests use: a fake kinder than the driver hides bugs (a paused
// domain "started", a foreign domain touched), so both must pass the same
// cases. Each world holds the same things: network "lab", pool "rcl", an
// unmanaged domain lab-web-1 and a domain other-db-1 of cluster "other"
// (fixtures/cluster.xml for the driver), 99 GiB free in "rcl".
#include <libvirt/libvirt.h>
#include <unistd.h>

#include <climits>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "drivers/libvirt/connection.h"
#include "drivers/libvirt/handles.h"
#include "drivers/libvirt/libvirt_hypervisor.h"
#include "tests/drivers/libvirt/contract_worlds.h"
#include "tests/drivers/libvirt/testdriver_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_hypervisor.h"
#include "tests/testing/simulated_clock.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers {
namespace {

using ::reconcile::model::DomainState;
using ::reconcile::testing::IsOk;
using ::reconcile::testing::IsOkAndHolds;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

class HypervisorContract : public ::testing::TestWithParam<Implementation> {
 protected:
  void SetUp() override {
    world_ = GetParam().make();
    ASSERT_NE(world_.hypervisor, nullptr);
  }
  Hypervisor& hv() { return *world_.hypervisor; }

  // The test driver's request, plus an image hash the records must keep.
  static NodeRequest Request(const std::string& group, int index) {
    NodeRequest r = libvirt::TestDriverRequest(group, index);
    r.node.image_hash = "image-1";
    return r;
  }

  World world_;
};

// This test verifies that a created node is listed as an owned, running
// domain with its ownership record, beside the unmanaged and foreign ones.
TEST_P(HypervisorContract, CreatedNodeIsListedOwnedAndRunning) {
  ASSERT_THAT(hv().CreateNode(Request("worker", 1)), IsOk());
  absl::StatusOr<DomainInfo> node = hv().GetDomain("lab-worker-1");
  ASSERT_THAT(node, IsOk());
  EXPECT_EQ(node->state, DomainState::kRunning);
  ASSERT_TRUE(node->managed());
  EXPECT_EQ(node->owner->cluster, "lab");
  EXPECT_EQ(node->owner->group, "worker");
  EXPECT_EQ(node->owner->index, 1);
  EXPECT_EQ(node->owner->hardware_hash, "hash-1");
  EXPECT_EQ(node->owner->image_hash, "image-1");
  EXPECT_FALSE(hv().GetDomain("lab-web-1")->managed());
  EXPECT_EQ(hv().GetDomain("other-db-1")->owner->cluster, "other");
  EXPECT_EQ(hv().ListDomains()->size(), 3u);
}

// This test verifies that a name that exists (ours or not) is kAlreadyExists
// and changes nothing.
TEST_P(HypervisorContract, ExistingNamesAreAlreadyExists) {
  ASSERT_THAT(hv().CreateNode(Request("worker", 1)), IsOk());
  EXPECT_THAT(hv().CreateNode(Request("worker", 1)), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(hv().CreateNode(Request("web", 1)), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_FALSE(hv().GetDomain("lab-web-1")->managed());
}

// This test verifies that unmanaged domains and domains of another cluster
// are never started, stopped, updated or deleted.
TEST_P(HypervisorContract, UnmanagedAndForeignDomainsAreRefused) {
  for (const std::string name : {"lab-web-1", "other-db-1"}) {
    EXPECT_THAT(hv().StopNode(name, absl::Seconds(1)),
                StatusIs(absl::StatusCode::kFailedPrecondition)) << name;
    EXPECT_THAT(hv().DeleteNode(name, {}), StatusIs(absl::StatusCode::kFailedPrecondition)) << name;
    EXPECT_THAT(hv().StartNode(name), StatusIs(absl::StatusCode::kFailedPrecondition)) << name;
    EXPECT_EQ(hv().GetDomain(name)->state, DomainState::kRunning) << name;
  }
  NodeRequest foreign = Request("db", 1);
  foreign.node.name = "other-db-1";
  foreign.cluster = "other";
  EXPECT_FALSE(hv().UpdateNode(foreign).ok());
}

// This test verifies that a request for another cluster is refused before
// anything is created.
TEST_P(HypervisorContract, RequestForAnotherClusterIsRefused) {
  NodeRequest request = Request("worker", 1);
  request.cluster = "other";
  EXPECT_THAT(hv().CreateNode(request), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(hv().GetDomain("lab-worker-1"), StatusIs(absl::StatusCode::kNotFound));
}

// This test verifies that StartNode resumes a paused domain and leaves a
// running one alone.
TEST_P(HypervisorContract, StartResumesPausedAndLeavesRunningAlone) {
  ASSERT_THAT(hv().CreateNode(Request("worker", 1)), IsOk());
  EXPECT_THAT(hv().StartNode("lab-worker-1"), IsOk());
  world_.pause("lab-worker-1");
  EXPECT_EQ(hv().GetDomain("lab-worker-1")->state, DomainState::kPaused);
  EXPECT_THAT(hv().StartNode("lab-worker-1"), IsOk());
  EXPECT_EQ(hv().GetDomain("lab-worker-1")->state, DomainState::kRunning);
}

// This test verifies stop, then delete, then delete again (a missing domain
// is OK), and that GetDomain then says kNotFound.
TEST_P(HypervisorContract, StopDeleteAndDeleteAgain) {
  ASSERT_THAT(hv().CreateNode(Request("worker", 1)), IsOk());
  EXPECT_THAT(hv().StopNode("lab-worker-1", absl::Seconds(1)), IsOk());
  EXPECT_EQ(hv().GetDomain("lab-worker-1")->state, DomainState::kShutOff);
  EXPECT_THAT(hv().DeleteNode("lab-worker-1", {}), IsOk());
  EXPECT_THAT(hv().GetDomain("lab-worker-1"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(hv().DeleteNode("lab-worker-1", {}), IsOk());
}

// This test verifies that CheckCreate and CreateNode refuse a pool or network
// the host does not have, naming it.
TEST_P(HypervisorContract, MissingPoolOrNetworkIsRefusedByName) {
  NodeRequest pool = Request("worker", 1);
  pool.hypervisor.pool = "nope";
  EXPECT_THAT(hv().CheckCreate(pool),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("\"nope\"")));
  EXPECT_FALSE(hv().CreateNode(pool).ok());
  NodeRequest network = Request("worker", 1);
  network.hypervisor.network = "elsewhere";
  EXPECT_THAT(hv().CheckCreate(network),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("\"elsewhere\"")));
  EXPECT_THAT(hv().CheckCreate(Request("worker", 1)), IsOk());
  EXPECT_THAT(hv().GetDomain("lab-worker-1"), StatusIs(absl::StatusCode::kNotFound));
}

// This test verifies that every NIC of a node is checked before anything is
// created: a second NIC on a missing network, a bridge the host does not
// have, and an architecture the host does not offer are refused by name.
TEST_P(HypervisorContract, MissingNicTargetOrArchIsRefusedByName) {
  NodeRequest two = Request("worker", 1);
  two.node.nics = {{.network = "lab"}, {.network = "storage-net"}};
  EXPECT_THAT(hv().CheckCreate(two),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("\"storage-net\"")));
  EXPECT_FALSE(hv().CreateNode(two).ok());
  NodeRequest bridge = Request("worker", 1);
  bridge.node.nics = {{.bridge = "br-missing"}};
  EXPECT_THAT(hv().CheckCreate(bridge),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("bridge \"br-missing\"")));
  NodeRequest arm = Request("worker", 1);
  arm.node.arch = "aarch64";
  EXPECT_THAT(hv().CheckCreate(arm),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no aarch64 guests")));
  EXPECT_THAT(hv().GetDomain("lab-worker-1"), StatusIs(absl::StatusCode::kNotFound));
  NodeRequest fine = Request("worker", 1);
  fine.node.nics = {{.network = "lab"}, {.network = "lab", .address = "10.0.0.11/24"}};
  EXPECT_THAT(hv().CheckCreate(fine), IsOk());
}

// This test verifies UpdateNode: the same definition is kUnchanged; more
// memory on a running domain needs a restart, after which it is recorded; a
// smaller disk is refused with nothing changed.
TEST_P(HypervisorContract, UpdateSaysWhatItTakes) {
  ASSERT_THAT(hv().CreateNode(Request("worker", 1)), IsOk());
  EXPECT_THAT(hv().UpdateNode(Request("worker", 1)), IsOkAndHolds(UpdateEffect::kUnchanged));
  NodeRequest bigger = Request("worker", 1);
  bigger.node.memory_bytes = uint64_t{512} << 20;
  bigger.node.hardware_hash = "hash-2";
  EXPECT_THAT(hv().UpdateNode(bigger), IsOkAndHolds(UpdateEffect::kNeedsRestart));
  ASSERT_THAT(hv().StopNode("lab-worker-1", absl::Seconds(1)), IsOk());
  ASSERT_THAT(hv().StartNode("lab-worker-1"), IsOk());
  EXPECT_EQ(hv().GetDomain("lab-worker-1")->memory_bytes, uint64_t{512} << 20);
  EXPECT_EQ(hv().GetDomain("lab-worker-1")->owner->hardware_hash, "hash-2");
  NodeRequest smaller = bigger;
  smaller.node.disk_bytes = uint64_t{64} << 20;
  smaller.node.hardware_hash = "hash-3";
  EXPECT_THAT(hv().UpdateNode(smaller), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(hv().GetDomain("lab-worker-1")->owner->hardware_hash, "hash-2");
}

constexpr uint64_t kGiB = uint64_t{1} << 30;

// lab-db-1 with a data disk "data" of `data_gib` (kept) and "scratch" of 1 GiB.
NodeRequest WithDisks(NodeRequest request, uint64_t data_gib) {
  request.node.data_disks = {{.name = "data", .size_bytes = data_gib * kGiB, .keep = true},
                             {.name = "scratch", .size_bytes = kGiB, .pool = "rcl"}};
  return request;
}

// This test verifies that each data disk is a volume named after the node,
// recorded with its name and size in the ownership record in spec order, and
// that deleting the node (it left the spec) removes them all, kept or not.
TEST_P(HypervisorContract, DataDisksAreCreatedOwnedAndDeletedWithTheNode) {
  ASSERT_THAT(hv().CreateNode(WithDisks(Request("db", 1), 2)), IsOk());
  absl::StatusOr<DomainInfo> node = hv().GetDomain("lab-db-1");
  ASSERT_THAT(node, IsOk());
  EXPECT_THAT(node->owner->volumes,
              ::testing::IsSupersetOf(
                  {OwnedVolume{"rcl", "lab-db-1-disk.data.qcow2", "data", 2 * kGiB},
                   OwnedVolume{"rcl", "lab-db-1-disk.scratch.qcow2", "scratch", kGiB}}));
  EXPECT_EQ(world_.volume("lab-db-1-disk.data.qcow2"), 2 * kGiB);
  EXPECT_EQ(world_.volume("lab-db-1-disk.scratch.qcow2"), kGiB);
  EXPECT_THAT(hv().DeleteNode("lab-db-1", {}), IsOk());
  EXPECT_EQ(world_.volume("lab-db-1-disk.data.qcow2"), std::nullopt);
  EXPECT_EQ(world_.volume("lab-db-1-disk.scratch.qcow2"), std::nullopt);
}

// This test verifies a replace's delete and create: the kept disk stays
// (the other goes), survives RemoveOrphanVolumes, and the successor gets
// the same volume back (a smaller size is refused, with the volume
// untouched, since it is the old one and holds data). Growing a kept disk
// is left to the e2e lab: the test driver cannot resize volumes.
TEST_P(HypervisorContract, KeptDiskOutlivesAReplaceAndIsReattached) {
  ASSERT_THAT(hv().CreateNode(WithDisks(Request("db", 1), 2)), IsOk());
  ASSERT_THAT(hv().DeleteNode("lab-db-1", {.keep_disks = {"data"}}), IsOk());
  EXPECT_THAT(hv().GetDomain("lab-db-1"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(world_.volume("lab-db-1-disk.data.qcow2"), 2 * kGiB);
  EXPECT_EQ(world_.volume("lab-db-1-disk.scratch.qcow2"), std::nullopt);
  EXPECT_THAT(hv().RemoveOrphanVolumes("rcl", "lab-db-1"), IsOk());
  EXPECT_EQ(world_.volume("lab-db-1-disk.data.qcow2"), 2 * kGiB);

  EXPECT_THAT(hv().CheckCreate(WithDisks(Request("db", 1), 1)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("never shrunk")));
  EXPECT_FALSE(hv().CreateNode(WithDisks(Request("db", 1), 1)).ok());
  EXPECT_EQ(world_.volume("lab-db-1-disk.data.qcow2"), 2 * kGiB);

  ASSERT_THAT(hv().CreateNode(WithDisks(Request("db", 1), 2)), IsOk());
  EXPECT_EQ(world_.volume("lab-db-1-disk.data.qcow2"), 2 * kGiB);
  EXPECT_EQ(world_.volume("lab-db-1-disk.scratch.qcow2"), kGiB);
  EXPECT_THAT(hv().GetDomain("lab-db-1")->owner->volumes,
              ::testing::Contains(OwnedVolume{"rcl", "lab-db-1-disk.data.qcow2", "data", 2 * kGiB}));
}

// This test verifies CheckCreate's data disk checks: a missing pool is named,
// a pool without room for the disks is refused, and nothing is created.
TEST_P(HypervisorContract, DataDiskPoolsAreChecked) {
  NodeRequest missing = WithDisks(Request("db", 1), 2);
  missing.node.data_disks[1].pool = "nope";
  EXPECT_THAT(hv().CheckCreate(missing),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("\"nope\"")));
  EXPECT_FALSE(hv().CreateNode(missing).ok());
  NodeRequest huge = WithDisks(Request("db", 1), 200);
  EXPECT_THAT(hv().CheckCreate(huge),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("\"rcl\" has")));
  EXPECT_THAT(hv().GetDomain("lab-db-1"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(world_.volume("lab-db-1-disk.data.qcow2"), std::nullopt);
}

// This test verifies that UpdateNode changes no data disk in place: one
// added, grown or removed is refused and the record stays as it was.
TEST_P(HypervisorContract, UpdateRefusesDataDiskChanges) {
  ASSERT_THAT(hv().CreateNode(WithDisks(Request("db", 1), 2)), IsOk());
  NodeRequest grown = WithDisks(Request("db", 1), 3);
  grown.node.hardware_hash = "hash-2";
  EXPECT_THAT(hv().UpdateNode(grown), StatusIs(absl::StatusCode::kFailedPrecondition));
  NodeRequest removed = WithDisks(Request("db", 1), 2);
  removed.node.data_disks.pop_back();
  removed.node.hardware_hash = "hash-2";
  EXPECT_THAT(hv().UpdateNode(removed), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(hv().GetDomain("lab-db-1")->owner->hardware_hash, "hash-1");
  EXPECT_EQ(world_.volume("lab-db-1-disk.scratch.qcow2"), kGiB);
}

INSTANTIATE_TEST_SUITE_P(
    BothImplementations, HypervisorContract,
    ::testing::Values(Implementation{"LibvirtTestDriver", LibvirtWorld},
                      Implementation{"Fake", FakeWorld}),
    [](const ::testing::TestParamInfo<Implementation>& info) { return info.param.name; });

}  // namespace
}  // namespace reconcile::drivers
