// The libvirt Hypervisor against libvirt's in-process test driver: create,
// list, update, delete, unmanaged-domain safety and failure half way.
#include <algorithm>

#include "gmock/gmock.h"
#include "drivers/libvirt/mac.h"
#include "drivers/libvirt/storage.h"
#include "tests/drivers/libvirt/testdriver_fixture.h"

namespace reconcile::drivers::libvirt {
namespace {

using ::reconcile::model::DomainState;
using ::reconcile::testing::IsOk;
using ::reconcile::testing::IsOkAndHolds;
using ::reconcile::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

const DomainInfo* Find(const std::vector<DomainInfo>& all, const std::string& name) {
  auto it = std::find_if(all.begin(), all.end(), [&](auto& d) { return d.name == name; });
  return it == all.end() ? nullptr : &*it;
}

using TestDriverTest = TestDriverFixture;

// This test verifies that creation makes an overlay in the pool, a running domain with
// the deterministic MAC, sizes and full ownership record including the host key.
TEST_F(TestDriverTest, CreateDefinesOwnedRunningDomainWithOverlay) {
  absl::StatusOr<CreatedNode> created = hypervisor_->CreateNode(Request("worker", 1));
  ASSERT_THAT(created, IsOk());
  const DomainInfo& d = created->domain;
  EXPECT_EQ(d.name, "lab-worker-1");
  EXPECT_EQ(d.state, DomainState::kRunning);
  EXPECT_EQ(d.vcpus, 1);
  EXPECT_EQ(d.memory_bytes, uint64_t{256} << 20);
  EXPECT_THAT(d.macs, ElementsAre(DeterministicMac("lab", "lab-worker-1")));
  EXPECT_THAT(d.disks, ElementsAre("rcl/lab-worker-1-overlay.qcow2"));
  ASSERT_TRUE(d.managed());
  EXPECT_EQ(d.owner->cluster, "lab");
  EXPECT_EQ(d.owner->group, "worker");
  EXPECT_EQ(d.owner->index, 1);
  EXPECT_EQ(d.owner->hardware_hash, "hash-1");
  EXPECT_THAT(d.owner->host_public_key, StartsWith("ssh-ed25519 AAAA"));
  EXPECT_THAT(d.owner->volumes, ElementsAre(OwnedVolume{"rcl", "lab-worker-1-overlay.qcow2"}));
  EXPECT_THAT(created->host_key_fingerprint, StartsWith("SHA256:"));
  EXPECT_TRUE(VolumeExists("lab-worker-1-overlay.qcow2"));
}

// This test verifies a node with `networks`: one interface per NIC in spec
// order, the first with the MAC a single-NIC node has, the next with its own;
// and `autostart`, set on the domain and cleared again by an update.
TEST_F(TestDriverTest, NicsInOrderWithTheirMacsAndAutostart) {
  NodeRequest request = Request("worker", 1);
  request.node.nics = {{.network = "lab"}, {.network = "lab", .address = "10.0.0.11/24"}};
  request.node.autostart = true;
  absl::StatusOr<CreatedNode> created = hypervisor_->CreateNode(request);
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(created->domain.macs, ElementsAre(DeterministicMac("lab", "lab-worker-1"),
                                                NicMac("lab", "lab-worker-1", 1)));
  EXPECT_NE(NicMac("lab", "lab-worker-1", 1), NicMac("lab", "lab-worker-1", 2));
  DomainHandle domain(virDomainLookupByName(Conn(), "lab-worker-1"));
  ASSERT_TRUE(domain);
  int autostart = 0;
  ASSERT_EQ(virDomainGetAutostart(domain.get(), &autostart), 0);
  EXPECT_EQ(autostart, 1);
  request.node.autostart = false;
  request.node.hardware_hash = "hash-2";
  ASSERT_THAT(hypervisor_->UpdateNode(request), IsOk());
  DomainHandle updated(virDomainLookupByName(Conn(), "lab-worker-1"));
  ASSERT_EQ(virDomainGetAutostart(updated.get(), &autostart), 0);
  EXPECT_EQ(autostart, 0);
}

// This test verifies that owned, unmanaged and foreign-cluster domains are
// all reported, each with its ownership (or none) and state.
TEST_F(TestDriverTest, ListReportsOwnedUnmanagedAndForeign) {
  ASSERT_THAT(hypervisor_->CreateNode(Request("worker", 1)), IsOk());
  ASSERT_THAT(hypervisor_->StopNode("lab-worker-1", absl::Seconds(1)), IsOk());
  absl::StatusOr<std::vector<DomainInfo>> all = hypervisor_->ListDomains();
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), 3u);
  const DomainInfo* ours = Find(*all, "lab-worker-1");
  const DomainInfo* unmanaged = Find(*all, "lab-web-1");
  const DomainInfo* foreign = Find(*all, "other-db-1");
  ASSERT_TRUE(ours && unmanaged && foreign);
  EXPECT_TRUE(ours->managed());
  EXPECT_EQ(ours->state, DomainState::kShutOff);
  EXPECT_FALSE(unmanaged->managed());
  EXPECT_EQ(unmanaged->state, DomainState::kRunning);
  ASSERT_TRUE(foreign->managed());
  EXPECT_EQ(foreign->owner->cluster, "other");
}

// This test verifies that deletion removes the domain and exactly its volumes, the base
// image and other volumes stay, and deleting again is OK.
TEST_F(TestDriverTest, DeleteRemovesDomainAndOnlyItsVolumes) {
  ASSERT_THAT(hypervisor_->CreateNode(Request("worker", 1)), IsOk());
  ASSERT_THAT(hypervisor_->CreateNode(Request("worker", 2)), IsOk());
  EXPECT_THAT(hypervisor_->DeleteNode("lab-worker-1", {}), IsOk());
  EXPECT_FALSE(DomainExists("lab-worker-1"));
  EXPECT_FALSE(VolumeExists("lab-worker-1-overlay.qcow2"));
  EXPECT_TRUE(DomainExists("lab-worker-2"));
  EXPECT_TRUE(VolumeExists("lab-worker-2-overlay.qcow2"));
  EXPECT_TRUE(VolumeExists("base.qcow2"));
  EXPECT_TRUE(VolumeExists("lab-web-1-overlay.qcow2"));
  EXPECT_THAT(hypervisor_->DeleteNode("lab-worker-1", {}), IsOk());
  EXPECT_THAT(hypervisor_->GetDomain("lab-worker-1"), StatusIs(absl::StatusCode::kNotFound));
}

// This test verifies that calls are idempotent: a second create is AlreadyExists and
// changes nothing, start on running and stop on stopped are no-ops.
TEST_F(TestDriverTest, RepeatedCallsAreIdempotent) {
  absl::StatusOr<CreatedNode> first = hypervisor_->CreateNode(Request("worker", 1));
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(hypervisor_->CreateNode(Request("worker", 1)),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("owned by cluster \"lab\"")));
  absl::StatusOr<DomainInfo> after = hypervisor_->GetDomain("lab-worker-1");
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->owner->host_public_key, first->domain.owner->host_public_key);
  EXPECT_THAT(hypervisor_->StartNode("lab-worker-1"), IsOk());
  EXPECT_THAT(hypervisor_->StopNode("lab-worker-1", absl::Seconds(1)), IsOk());
  EXPECT_THAT(hypervisor_->StopNode("lab-worker-1", absl::Seconds(1)), IsOk());
  EXPECT_THAT(hypervisor_->GetDomain("lab-worker-1")->state, DomainState::kShutOff);
  EXPECT_THAT(hypervisor_->StartNode("lab-worker-1"), IsOk());
  EXPECT_THAT(hypervisor_->GetDomain("lab-worker-1")->state, DomainState::kRunning);
}

// This test verifies that update reports unchanged as such; a running domain's
// new size needs a restart and shows after one; a shut-off domain's applies at
// once; host key and volumes are kept.
TEST_F(TestDriverTest, UpdateReportsRestartAndKeepsIdentity) {
  absl::StatusOr<CreatedNode> created = hypervisor_->CreateNode(Request("worker", 1));
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(hypervisor_->UpdateNode(Request("worker", 1)),
              IsOkAndHolds(UpdateEffect::kUnchanged));

  NodeRequest bigger = Request("worker", 1);
  bigger.node.cpus = 2;
  bigger.node.hardware_hash = "hash-2";
  EXPECT_THAT(hypervisor_->UpdateNode(bigger), IsOkAndHolds(UpdateEffect::kNeedsRestart));
  ASSERT_THAT(hypervisor_->StopNode("lab-worker-1", absl::Seconds(1)), IsOk());
  ASSERT_THAT(hypervisor_->StartNode("lab-worker-1"), IsOk());
  absl::StatusOr<DomainInfo> now = hypervisor_->GetDomain("lab-worker-1");
  ASSERT_THAT(now, IsOk());
  EXPECT_EQ(now->vcpus, 2);
  EXPECT_EQ(now->uuid, created->domain.uuid);
  EXPECT_EQ(now->owner->hardware_hash, "hash-2");
  EXPECT_EQ(now->owner->host_public_key, created->domain.owner->host_public_key);
  EXPECT_EQ(now->owner->volumes, created->domain.owner->volumes);

  ASSERT_THAT(hypervisor_->StopNode("lab-worker-1", absl::Seconds(1)), IsOk());
  bigger.node.memory_bytes = uint64_t{512} << 20;
  bigger.node.hardware_hash = "hash-3";
  EXPECT_THAT(hypervisor_->UpdateNode(bigger), IsOkAndHolds(UpdateEffect::kApplied));
  EXPECT_EQ(hypervisor_->GetDomain("lab-worker-1")->memory_bytes, uint64_t{512} << 20);
  EXPECT_THAT(hypervisor_->UpdateNode(Request("worker", 9)),
              StatusIs(absl::StatusCode::kNotFound));
}

// This test verifies that a domain without our metadata is never touched,
// even when its name is exactly the name of a node in the spec.
TEST_F(TestDriverTest, UnmanagedDomainWithANodeNameIsNeverTouched) {
  EXPECT_THAT(hypervisor_->CreateNode(Request("web", 1)),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("not managed by reconcile")));
  const auto refused = StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr("not managed by reconcile"));
  EXPECT_THAT(hypervisor_->DeleteNode("lab-web-1", {}), refused);
  EXPECT_THAT(hypervisor_->StopNode("lab-web-1", absl::Seconds(1)), refused);
  EXPECT_THAT(hypervisor_->StartNode("lab-web-1"), refused);
  EXPECT_THAT(hypervisor_->UpdateNode(Request("web", 1)), refused);
  EXPECT_THAT(hypervisor_->RemoveOrphanVolumes("rcl", "lab-web-1"), IsOkAndHolds(IsEmpty()));
  absl::StatusOr<DomainInfo> still = hypervisor_->GetDomain("lab-web-1");
  ASSERT_THAT(still, IsOk());
  EXPECT_EQ(still->state, DomainState::kRunning);
  EXPECT_FALSE(still->managed());
  EXPECT_TRUE(VolumeExists("lab-web-1-overlay.qcow2"));
}

// This test verifies that another cluster's domains are refused too.
TEST_F(TestDriverTest, OtherClustersDomainIsRefused) {
  EXPECT_THAT(hypervisor_->DeleteNode("other-db-1", {}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("cluster \"other\"")));
  EXPECT_THAT(hypervisor_->RemoveOrphanVolumes("rcl", "other-db-1"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(DomainExists("other-db-1"));
}

// This test verifies that a failure injected before each creation step
// leaves no domain and no volume behind, and that a retry then succeeds.
TEST_F(TestDriverTest, FailureHalfWayLeavesNothingBehind) {
  const int volumes_before = VolumeCount();
  for (const char* step : {"overlay", "define", "start"}) {
    SCOPED_TRACE(step);
    fail_at_ = step;
    EXPECT_THAT(hypervisor_->CreateNode(Request("worker", 1)),
                StatusIs(absl::StatusCode::kUnavailable, HasSubstr(step)));
    EXPECT_FALSE(DomainExists("lab-worker-1"));
    EXPECT_FALSE(VolumeExists("lab-worker-1-overlay.qcow2"));
    EXPECT_EQ(VolumeCount(), volumes_before);
  }
  fail_at_ = "";
  EXPECT_THAT(hypervisor_->CreateNode(Request("worker", 1)), IsOk());
}

// This test verifies that a real libvirt failure half way cleans up: the test driver cannot
// upload a seed, so creation fails after the overlay and the seed volume were
// created; both are removed again.
TEST_F(TestDriverTest, RealUploadFailureRemovesOverlayAndSeed) {
  const int volumes_before = VolumeCount();
  EXPECT_THAT(hypervisor_->CreateNode(Request("worker", 1, /*seed=*/true)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("upload")));
  EXPECT_FALSE(DomainExists("lab-worker-1"));
  EXPECT_FALSE(VolumeExists("lab-worker-1-overlay.qcow2"));
  EXPECT_FALSE(VolumeExists("lab-worker-1-seed.iso"));
  EXPECT_EQ(VolumeCount(), volumes_before);
}

// This test verifies that volumes left by a creation that died
// before defining its domain are removed (explicitly, or by the next create).
TEST_F(TestDriverTest, OrphansOfACrashedCreationAreCleanedUp) {
  PlantVolume("lab-worker-4-overlay.qcow2");
  PlantVolume("lab-worker-4-seed.iso");
  EXPECT_THAT(hypervisor_->RemoveOrphanVolumes("rcl", "lab-worker-4"),
              IsOkAndHolds(ElementsAre("lab-worker-4-overlay.qcow2", "lab-worker-4-seed.iso")));
  EXPECT_FALSE(VolumeExists("lab-worker-4-seed.iso"));

  PlantVolume("lab-worker-1-overlay.qcow2");
  PlantVolume("lab-worker-1-seed.iso");
  ASSERT_THAT(hypervisor_->CreateNode(Request("worker", 1)), IsOk());
  EXPECT_FALSE(VolumeExists("lab-worker-1-seed.iso"));  // not part of this node
  EXPECT_TRUE(VolumeExists("lab-worker-1-overlay.qcow2"));
  EXPECT_THAT(hypervisor_->RemoveOrphanVolumes("rcl", "lab-worker-1"), IsOkAndHolds(IsEmpty()));
  EXPECT_TRUE(VolumeExists("lab-worker-1-overlay.qcow2"));
}

// A node with a kept data disk "data" and a plain one "scratch", 1 GiB each.
NodeRequest WithDataDisks(NodeRequest request) {
  constexpr uint64_t kGiB = uint64_t{1} << 30;
  request.node.data_disks = {{.name = "data", .size_bytes = kGiB, .keep = true},
                             {.name = "scratch", .size_bytes = kGiB}};
  return request;
}

// This test verifies that data disks are attached after the root disk as
// vdc, vdd in spec order, qcow2, with their names as serials.
TEST_F(TestDriverTest, DataDisksAreAttachedInOrderWithSerials) {
  absl::StatusOr<CreatedNode> created = hypervisor_->CreateNode(WithDataDisks(Request("db", 1)));
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(created->domain.disks,
              ElementsAre("rcl/lab-db-1-overlay.qcow2", "rcl/lab-db-1-disk.data.qcow2",
                          "rcl/lab-db-1-disk.scratch.qcow2"));
  DomainHandle domain(virDomainLookupByName(Conn(), "lab-db-1"));
  ASSERT_TRUE(domain);
  char* raw = virDomainGetXMLDesc(domain.get(), 0);
  ASSERT_NE(raw, nullptr);
  const std::string xml(raw);
  free(raw);
  const size_t data = xml.find("volume='lab-db-1-disk.data.qcow2'");
  const size_t scratch = xml.find("volume='lab-db-1-disk.scratch.qcow2'");
  ASSERT_NE(data, std::string::npos);
  ASSERT_NE(scratch, std::string::npos);
  EXPECT_EQ(xml.find("<target dev='vdc'", data), xml.find("<target dev=", data));
  EXPECT_EQ(xml.find("<serial>data</serial>", data), xml.find("<serial>", data));
  EXPECT_EQ(xml.find("<target dev='vdd'", scratch), xml.find("<target dev=", scratch));
  EXPECT_NE(xml.find("<serial>scratch</serial>", scratch), std::string::npos);
}

// This test verifies that a creation failing after its data disks removes
// the disks it made, and never a kept disk it re-attached from the node's
// predecessor (a failed replace must not lose the data it kept).
TEST_F(TestDriverTest, FailureHalfWayRemovesMadeDisksButNeverAKeptOne) {
  fail_at_ = "define";
  EXPECT_FALSE(hypervisor_->CreateNode(WithDataDisks(Request("db", 1))).ok());
  EXPECT_FALSE(VolumeExists("lab-db-1-disk.data.qcow2"));  // made by this attempt
  EXPECT_FALSE(VolumeExists("lab-db-1-disk.scratch.qcow2"));

  fail_at_ = "";
  ASSERT_THAT(hypervisor_->CreateNode(WithDataDisks(Request("db", 1))), IsOk());
  ASSERT_THAT(hypervisor_->DeleteNode("lab-db-1", {.keep_disks = {"data"}}), IsOk());
  fail_at_ = "define";
  EXPECT_FALSE(hypervisor_->CreateNode(WithDataDisks(Request("db", 1))).ok());
  EXPECT_TRUE(VolumeExists("lab-db-1-disk.data.qcow2"));
  EXPECT_FALSE(VolumeExists("lab-db-1-disk.scratch.qcow2"));
  fail_at_ = "";
  ASSERT_THAT(hypervisor_->CreateNode(WithDataDisks(Request("db", 1))), IsOk());
  EXPECT_TRUE(VolumeExists("lab-db-1-disk.data.qcow2"));
}

// This test verifies that a plain data disk left by a crashed attempt (no
// domain) is made anew at the spec's size, not re-attached as it was.
TEST_F(TestDriverTest, LeftoverPlainDataDiskIsMadeAnew) {
  PlantVolume("lab-db-1-disk.scratch.qcow2");  // 1 MiB: not what the spec asks
  ASSERT_THAT(hypervisor_->CreateNode(WithDataDisks(Request("db", 1))), IsOk());
  EXPECT_THAT(VolumeCapacity(Conn(), "rcl", "lab-db-1-disk.scratch.qcow2"),
              IsOkAndHolds(uint64_t{1} << 30));
}

// This test verifies that request validation names the node and the problem.
TEST_F(TestDriverTest, BadRequestsAreRejectedBeforeAnyChange) {
  NodeRequest wrong_cluster = Request("worker", 1);
  wrong_cluster.cluster = "other";
  EXPECT_THAT(hypervisor_->CreateNode(wrong_cluster),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cluster")));
  NodeRequest no_image = Request("worker", 1);
  no_image.node.image.disk.clear();
  no_image.node.image.kernel.clear();
  EXPECT_THAT(hypervisor_->CreateNode(no_image),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lab-worker-1")));
  // A missing pool is terminal until the world changes, checked before anything.
  NodeRequest bad_pool = Request("worker", 1);
  bad_pool.hypervisor.pool = "nope";
  EXPECT_THAT(hypervisor_->CreateNode(bad_pool),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("nope")));
  EXPECT_FALSE(DomainExists("lab-worker-1"));
}

// This test verifies that no address is ever handed out for the test
// driver's pretend guests: the addresses it invents would send a reconciler's
// SSH traffic to hosts that are not ours.
TEST_F(TestDriverTest, DiscoverAddressRefusesTheTestDriversInventedAddresses) {
  ASSERT_THAT(hypervisor_->CreateNode(Request("worker", 1)), IsOk());
  EXPECT_THAT(hypervisor_->DiscoverAddress("lab-worker-1", absl::Seconds(5)),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("test driver")));
}

// This test verifies that StartNode resumes a paused domain: a paused domain
// is active, so starting it is a no-op, and before the fix the node stayed
// paused while every pass planned "start" again.
TEST_F(TestDriverTest, StartResumesAPausedDomain) {
  ASSERT_THAT(hypervisor_->CreateNode(Request("worker", 1)), IsOk());
  DomainHandle domain(virDomainLookupByName(Conn(), "lab-worker-1"));
  ASSERT_EQ(virDomainSuspend(domain.get()), 0);
  ASSERT_EQ(hypervisor_->GetDomain("lab-worker-1")->state, DomainState::kPaused);
  EXPECT_THAT(hypervisor_->StartNode("lab-worker-1"), IsOk());
  EXPECT_EQ(hypervisor_->GetDomain("lab-worker-1")->state, DomainState::kRunning);
}

// This test verifies that CheckCreate on the test driver refuses what its
// create would fail on (a pool or network that does not exist, a base image
// in no pool without a disk size, kvm where the host offers none) and
// accepts a request that creates; nothing is created by checking.
TEST_F(TestDriverTest, CheckCreateRefusesWhatCreateWouldFailOn) {
  EXPECT_THAT(hypervisor_->CheckCreate(Request("worker", 1)), IsOk());
  NodeRequest pool = Request("worker", 1);
  pool.hypervisor.pool = "rlc";
  EXPECT_THAT(hypervisor_->CheckCreate(pool),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("storage pool \"rlc\"")));
  EXPECT_FALSE(hypervisor_->CreateNode(pool).ok());
  NodeRequest network = Request("worker", 1);
  network.hypervisor.network = "lba";
  EXPECT_THAT(hypervisor_->CheckCreate(network),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("network \"lba\"")));
  NodeRequest unsized = Request("worker", 1);
  unsized.node.image.disk = "/nowhere/base.qcow2";
  unsized.node.disk_bytes = 0;
  EXPECT_THAT(hypervisor_->CheckCreate(unsized),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("/nowhere/base.qcow2")));
  EXPECT_FALSE(hypervisor_->CreateNode(unsized).ok()) << "CheckCreate is no stricter than create";
  NodeRequest small = Request("worker", 1);
  small.node.disk_bytes = uint64_t{32} << 20;  // the base is 64 MiB
  EXPECT_THAT(hypervisor_->CheckCreate(small),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("smaller than the base")));
  EXPECT_FALSE(DomainExists("lab-worker-1"));
  EXPECT_FALSE(VolumeExists("lab-worker-1-overlay.qcow2"));
}

// This test verifies that a disk size change is never recorded as done
// without the disk changing: the test driver cannot resize volumes, so a
// larger disk is an error and the old hash stays (before, the update recorded
// the new hash and resized nothing); a smaller disk is refused before
// anything changes. Growth itself is checked on real libvirt (e2e_test.cc).
TEST_F(TestDriverTest, DiskSizeChangeIsNeverRecordedWithoutTheDisk) {
  ASSERT_THAT(hypervisor_->CreateNode(Request("worker", 1)), IsOk());
  NodeRequest bigger = Request("worker", 1);
  bigger.node.disk_bytes = uint64_t{256} << 20;
  bigger.node.hardware_hash = "hash-2";
  EXPECT_FALSE(hypervisor_->UpdateNode(bigger).ok());
  EXPECT_EQ(hypervisor_->GetDomain("lab-worker-1")->owner->hardware_hash, "hash-1");

  NodeRequest smaller = Request("worker", 1);
  smaller.node.disk_bytes = uint64_t{96} << 20;  // created with 128 MiB
  smaller.node.hardware_hash = "hash-3";
  EXPECT_THAT(hypervisor_->UpdateNode(smaller),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("never shrunk")));
  EXPECT_EQ(hypervisor_->GetDomain("lab-worker-1")->owner->hardware_hash, "hash-1");
}

// This test verifies that DeleteNode removes only the node's own volumes that
// no other domain uses: a metadata record edited to list the unmanaged
// lab-web-1's overlay (which that domain uses) does not make delete take it.
TEST_F(TestDriverTest, DeleteNeverTakesAVolumeAnotherDomainUses) {
  ASSERT_THAT(hypervisor_->CreateNode(Request("worker", 1)), IsOk());
  DomainHandle domain(virDomainLookupByName(Conn(), "lab-worker-1"));
  char* raw = virDomainGetXMLDesc(domain.get(), VIR_DOMAIN_XML_INACTIVE);
  std::string xml(raw);
  free(raw);
  const std::string own = "<reconcile:volume pool=\"rcl\" name=\"lab-worker-1-overlay.qcow2\"/>";
  const size_t at = xml.find(own);
  ASSERT_NE(at, std::string::npos) << xml;
  xml.insert(at, "<reconcile:volume pool=\"rcl\" name=\"lab-web-1-overlay.qcow2\"/>");
  DomainHandle edited(virDomainDefineXML(Conn(), xml.c_str()));
  ASSERT_NE(edited, nullptr);

  EXPECT_THAT(hypervisor_->DeleteNode("lab-worker-1", {}), IsOk());
  EXPECT_FALSE(DomainExists("lab-worker-1"));
  EXPECT_FALSE(VolumeExists("lab-worker-1-overlay.qcow2"));
  EXPECT_TRUE(VolumeExists("lab-web-1-overlay.qcow2")) << "another domain's disk was deleted";
}

// This test verifies that orphan clean-up leaves a volume named like a node's
// remains when a domain uses it: it is then not a remain of anything.
TEST_F(TestDriverTest, OrphanCleanupLeavesAVolumeADomainUses) {
  // An unmanaged domain that uses a volume named like lab-worker-5's overlay.
  PoolHandle pool(virStoragePoolLookupByName(Conn(), "rcl"));
  const char* volume_xml =
      "<volume><name>lab-worker-5-overlay.qcow2</name><capacity unit='MiB'>8</capacity>"
      "<target><format type='qcow2'/></target></volume>";
  VolumeHandle made(virStorageVolCreateXML(pool.get(), volume_xml, 0));
  ASSERT_NE(made, nullptr);
  const char* domain_xml =
      "<domain type='test'><name>hand-made</name><memory unit='MiB'>64</memory>"
      "<os><type arch='x86_64'>hvm</type></os><devices><disk type='volume' device='disk'>"
      "<source pool='rcl' volume='lab-worker-5-overlay.qcow2'/><target dev='vda'/></disk>"
      "</devices></domain>";
  DomainHandle user(virDomainDefineXML(Conn(), domain_xml));
  ASSERT_NE(user, nullptr);
  EXPECT_THAT(hypervisor_->RemoveOrphanVolumes("rcl", "lab-worker-5"), IsOkAndHolds(IsEmpty()));
  EXPECT_TRUE(VolumeExists("lab-worker-5-overlay.qcow2"));
}

// This test verifies that a connection handed out stays usable when another
// caller's Get() reconnects (as after a failed ping): before, Get() returned
// the raw pointer and closed it on reconnect while other threads used it.
TEST(ConnectionTest, AHeldConnectionOutlivesAReconnect) {
  Connection connection("test:///default");
  absl::StatusOr<ConnectionHandle> held = connection.Get();
  ASSERT_TRUE(held.ok()) << held.status();
  connection.ForgetConnectionForTest();
  absl::StatusOr<ConnectionHandle> fresh = connection.Get();
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_NE(held->get(), fresh->get());
  EXPECT_EQ(virConnectIsAlive(held->get()), 1);
  EXPECT_NE(virConnectGetType(held->get()), nullptr);
}

// This test verifies that Get() checks a connection with a round trip at most
// once per trust window: a pass asks for the connection once per domain, under
// one mutex, and a ping each time serialised the pass behind the daemon.
TEST(ConnectionTest, PingsAtMostOncePerTrustWindow) {
  Connection trusting("test:///default", {}, absl::Hours(1));
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(trusting.Get().ok());
  EXPECT_EQ(trusting.pings(), 0);  // opened, then trusted
  EXPECT_EQ(trusting.reconnects(), 0);

  Connection checking("test:///default", {}, absl::ZeroDuration());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(checking.Get().ok());
  EXPECT_EQ(checking.pings(), 2);  // every use after the open
  EXPECT_EQ(checking.reconnects(), 0);
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
