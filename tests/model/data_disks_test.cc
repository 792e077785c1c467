// This test verifies that a group's `disks` decode into DataDiskSpecs (sizes,
// default pool, keep), reach every node of the group in spec order, and
// change the hardware hash exactly when a disk is added, removed, grown or
// moved to another pool; never for `keep` or the order of the list, and not
// at all for groups without data disks (their domains' recorded hashes stay).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/expand.h"
#include "model/loader.h"

namespace reconcile::model {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kSpec[] = R"(cluster: lab
images:
  base: {disk: /img/base.qcow2}
groups:
  db:
    count: 2
    image: base
    disks:
      - {name: data, size: 50GiB}
      - {name: wal, size: 512MiB, pool: fast, keep: true}
  web: {count: 1, image: base}
)";

Spec Parse(const std::string& text) {
  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = ParseSpec(text, "d.yaml", diagnostics);
  EXPECT_TRUE(spec.ok()) << diagnostics.ToString();
  return spec.ok() ? *spec : Spec{};
}

std::vector<Node> Expand(const std::string& text) {
  absl::StatusOr<std::vector<Node>> nodes = ExpandSpec(Parse(text));
  EXPECT_TRUE(nodes.ok()) << nodes.status();
  return nodes.ok() ? *nodes : std::vector<Node>{};
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

std::string DbHash(const std::string& text) { return Expand(text).at(0).hardware_hash; }

TEST(DataDisksTest, DecodesSizesPoolAndKeep) {
  Spec spec = Parse(kSpec);
  ASSERT_EQ(spec.groups.size(), 2u);
  EXPECT_THAT(spec.groups[0].disks,
              ElementsAre(DataDiskSpec{.name = "data", .size_bytes = uint64_t{50} << 30},
                          DataDiskSpec{.name = "wal", .size_bytes = uint64_t{512} << 20,
                                       .pool = "fast", .keep = true}));
  EXPECT_TRUE(spec.groups[1].disks.empty());
}

TEST(DataDisksTest, EveryNodeOfTheGroupGetsTheDisksInSpecOrder) {
  std::vector<Node> nodes = Expand(kSpec);
  ASSERT_EQ(nodes.size(), 3u);
  for (int i : {0, 1}) {
    ASSERT_EQ(nodes[i].data_disks.size(), 2u) << nodes[i].name;
    EXPECT_EQ(nodes[i].data_disks[0].name, "data");
    EXPECT_EQ(nodes[i].data_disks[1].name, "wal");
  }
  EXPECT_TRUE(nodes[2].data_disks.empty());
}

TEST(DataDisksTest, HardwareHashCoversWhatTheDisksAre) {
  const std::string base = DbHash(kSpec);
  EXPECT_NE(DbHash(Replace(kSpec, "size: 50GiB", "size: 60GiB")), base);
  EXPECT_NE(DbHash(Replace(kSpec, "pool: fast, ", "")), base);
  EXPECT_NE(DbHash(Replace(kSpec, "      - {name: data, size: 50GiB}\n", "")), base);
  EXPECT_NE(DbHash(Replace(kSpec, "{name: data,", "{name: data2,")), base);
  // Not hardware: what a replace keeps, and the order they are written in.
  EXPECT_EQ(DbHash(Replace(kSpec, "keep: true", "keep: false")), base);
  EXPECT_EQ(DbHash(Replace(Replace(kSpec, "      - {name: data, size: 50GiB}\n", ""),
                           "keep: true}\n", "keep: true}\n      - {name: data, size: 50GiB}\n")),
            base);
}

TEST(DataDisksTest, NodesWithoutDataDisksKeepTheirHashes) {
  // The hash of a node without data disks is the one it had before disks
  // existed: its recorded domains must not all turn into drift.
  Node node;
  node.image.disk = "/img/base.qcow2";
  node.cpus = 2;
  node.memory_bytes = uint64_t{2} << 30;
  const std::string before = HardwareHash(node);
  EXPECT_EQ(before, "c3abe892b412173ddd086b7658599134f8ee07fad92451505653c6113bbb78fa");
  node.data_disks.push_back({.name = "data", .size_bytes = uint64_t{1} << 30});
  EXPECT_NE(HardwareHash(node), before);
}

TEST(DataDisksTest, HostsGroupsTakeNoDisks) {
  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = ParseSpec(
      "cluster: c\ngroups:\n  old: {hosts: [10.0.0.1], disks: [{name: d, size: 1GiB}]}\n",
      "h.yaml", diagnostics);
  EXPECT_FALSE(spec.ok());
  EXPECT_THAT(diagnostics.ToString(),
              HasSubstr("h.yaml:3:35: 'disks' cannot be combined with 'hosts'"));
}

}  // namespace
}  // namespace reconcile::model
