// This test verifies what the planner and the actions do with data disks: a
// replace keeps the disks marked keep (and only those) for the successor, a
// node leaving the spec takes its kept disks along, and a change to an
// existing node's disks is a plan problem that changes nothing (removing or
// shrinking one that holds data, moving it, and, for now, adding or growing
// one outside a replace).
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconciler/data_disk_changes.h"
#include "tests/reconciler/join_cluster.h"

namespace reconcile {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr uint64_t kGiB = uint64_t{1} << 30;

// The workers, each with a kept disk "data" of `data_gib` and a plain "scratch".
std::vector<Node> WorkersWithDisks(uint64_t data_gib, const std::string& image = "img1") {
  std::vector<Node> nodes = JoinNodes();
  for (Node& node : nodes) {
    if (node.group != "wk") continue;
    node.data_disks = {{.name = "data", .size_bytes = data_gib * kGiB, .keep = true},
                       {.name = "scratch", .size_bytes = kGiB}};
    node.image_hash = image;
    node.hardware_hash = "hw-" + image + "-" + std::to_string(data_gib);
  }
  return nodes;
}

using DataDisksTest = JoinClusterTest;

// This test verifies that an image change replaces a worker with its kept
// disk left in place for the successor, which gets it back; the plain disk
// is made anew; and that pruning a worker deletes its kept disk too.
TEST_F(DataDisksTest, ReplaceKeepsKeptDisksAndLeavingTheSpecDeletesThem) {
  Reconciler reconciler = Make(JoinSpec(), WorkersWithDisks(10));
  ASSERT_TRUE(Apply(reconciler).converged);
  EXPECT_EQ(hypervisor_.volumes().at("default/lab-wk-1-disk.data.qcow2"), 10 * kGiB);

  reconciler.SetDesired(JoinSpec(), WorkersWithDisks(10, "img2"));
  ASSERT_TRUE(Apply(reconciler).converged);
  EXPECT_THAT(hypervisor_.calls(), Contains("delete lab-wk-1 keeping data"));
  EXPECT_THAT(hypervisor_.calls(), Contains("delete lab-wk-2 keeping data"));
  EXPECT_EQ(hypervisor_.domains().at("lab-wk-1").owner->image_hash, "img2");
  EXPECT_EQ(hypervisor_.volumes().count("default/lab-wk-1-disk.data.qcow2"), 1u);

  model::Spec one_worker = JoinSpec();
  one_worker.groups[1].count = 1;
  std::vector<Node> nodes = WorkersWithDisks(10, "img2");
  nodes.pop_back();
  reconciler.SetDesired(one_worker, nodes);
  ASSERT_TRUE(Apply(reconciler).converged);
  EXPECT_THAT(hypervisor_.calls(), Contains("delete lab-wk-2"));
  EXPECT_EQ(hypervisor_.volumes().count("default/lab-wk-2-disk.data.qcow2"), 0u);
  EXPECT_EQ(hypervisor_.volumes().count("default/lab-wk-2-disk.scratch.qcow2"), 0u);
  EXPECT_EQ(hypervisor_.volumes().count("default/lab-wk-1-disk.data.qcow2"), 1u);
}

// This test verifies that shrinking or removing a disk is refused when
// planned, naming the disk, and that nothing is updated, replaced or deleted
// even when the image changes too.
TEST_F(DataDisksTest, ShrinkingOrRemovingADiskIsAPlanProblem) {
  Reconciler reconciler = Make(JoinSpec(), WorkersWithDisks(10));
  ASSERT_TRUE(Apply(reconciler).converged);
  const size_t calls = hypervisor_.calls().size();

  std::vector<Node> smaller = WorkersWithDisks(5, "img2");
  for (Node& node : smaller) {
    if (node.name == "lab-wk-2") node.data_disks.pop_back();  // scratch gone
  }
  reconciler.SetDesired(JoinSpec(), smaller);
  absl::StatusOr<PassResult> pass = reconciler.ApplyPass();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_THAT(pass->plan.actions, IsEmpty());
  ASSERT_EQ(pass->plan.problems.size(), 2u);
  EXPECT_EQ(pass->plan.problems[0].node, "lab-wk-1");
  EXPECT_THAT(pass->plan.problems[0].message,
              HasSubstr("disk 'data' would shrink 10240 MiB -> 5120 MiB"));
  EXPECT_THAT(pass->plan.problems[1].message,
              HasSubstr("disk 'scratch' (1024 MiB) is no longer in the spec"));
  EXPECT_THAT(pass->plan.problems[1].message, HasSubstr("nothing was deleted"));
  for (size_t i = calls; i < hypervisor_.calls().size(); ++i) {
    EXPECT_THAT(hypervisor_.calls()[i], Not(HasSubstr("delete"))) << i;
    EXPECT_THAT(hypervisor_.calls()[i], Not(HasSubstr("update"))) << i;
  }
  EXPECT_EQ(hypervisor_.volumes().at("default/lab-wk-2-disk.scratch.qcow2"), kGiB);
}

// This test verifies that a disk added or grown on an existing node is a
// plan problem saying it is not done in place (never an update that would
// leave it out), and that a replace takes the change along.
TEST_F(DataDisksTest, AddingOrGrowingIsAProblemUnlessTheNodeIsReplaced) {
  model::ObservedDomain domain{.name = "lab-wk-1", .managed = true, .cluster = "lab"};
  domain.data_disks = {{"data", "default", 10 * kGiB}};
  Node node = WorkersWithDisks(20)[1];
  const std::string grown = DataDiskProblem(domain, node, "default", /*replacing=*/false);
  EXPECT_THAT(grown, HasSubstr("disk 'data' grows 10240 MiB -> 20480 MiB"));
  EXPECT_THAT(grown, HasSubstr("disk 'scratch' (1024 MiB) is new"));
  EXPECT_THAT(grown, HasSubstr("not added to or grown on an existing node yet"));
  EXPECT_EQ(DataDiskProblem(domain, node, "default", /*replacing=*/true), "");
  // Moving is losing: refused even on a replace.
  EXPECT_THAT(DataDiskProblem(domain, node, "fast", /*replacing=*/true),
              HasSubstr("disk 'data' would move from pool default to fast"));
  node.data_disks[0].size_bytes = 10 * kGiB;
  node.data_disks.pop_back();
  EXPECT_EQ(DataDiskProblem(domain, node, "default", /*replacing=*/false), "");

  Reconciler reconciler = Make(JoinSpec(), WorkersWithDisks(10));
  ASSERT_TRUE(Apply(reconciler).converged);
  reconciler.SetDesired(JoinSpec(), WorkersWithDisks(20));
  absl::StatusOr<PassResult> pass = reconciler.ApplyPass();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_THAT(pass->plan.actions, IsEmpty());
  ASSERT_EQ(pass->plan.problems.size(), 2u);
  EXPECT_THAT(pass->plan.problems[0].message, HasSubstr("grows 10240 MiB -> 20480 MiB"));
}

// This test verifies that a data disk's missing pool is a plan problem
// naming the pool, and that nothing is created.
TEST_F(DataDisksTest, MissingDataDiskPoolIsAPlanProblem) {
  std::vector<Node> nodes = WorkersWithDisks(10);
  nodes[1].data_disks[1].pool = "fast";
  nodes[2].data_disks[1].pool = "fast";
  hypervisor_.SetWorld({"default"}, {"default"});
  Reconciler reconciler = Make(JoinSpec(), nodes);
  absl::StatusOr<PassResult> pass = reconciler.ApplyPass();
  ASSERT_TRUE(pass.ok()) << pass.status();
  ASSERT_EQ(pass->plan.problems.size(), 2u);
  EXPECT_EQ(pass->plan.problems[0].node, "lab-wk-1");
  EXPECT_THAT(pass->plan.problems[0].message, HasSubstr("storage pool \"fast\" does not exist"));
  EXPECT_EQ(hypervisor_.domains().count("lab-wk-1"), 0u);
  EXPECT_EQ(hypervisor_.volumes().count("default/lab-wk-1-disk.data.qcow2"), 0u);
}

}  // namespace
}  // namespace reconcile
