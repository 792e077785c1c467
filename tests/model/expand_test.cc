// This test verifies group expansion (names, order, existing hosts, role
// order) and that the hardware and role hashes change exactly when what they
// cover changes, and never for runtime values.
#include "model/expand.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/loader.h"
#include "model/role_graph.h"
#include "model/sha256.h"

namespace reconcile::model {
namespace {

using ::testing::ElementsAre;

constexpr char kSpec[] = R"(cluster: lab
images:
  base: {disk: /img/base.qcow2}
groups:
  cp: {count: 1, image: base, cpus: 2, memory: 2GiB, roles: [control]}
  worker: {count: 2, image: base, cpus: 2, memory: 2GiB, roles: [join, tools]}
  old: {hosts: [10.1.0.5], roles: [tools]}
vars: {version: "1.29"}
roles:
  tools:
    steps: [{name: install, run: "echo {{ vars.version }} {{ self.name }}"}]
  join:
    after: [control]
    steps: [{name: join, run: "{{ role.control.outputs.cmd | raw }} --node-ip {{ self.ip }}"}]
  control:
    steps: [{name: init, run: "init --name {{ self.name }}"}]
    outputs: {cmd: print-join}
)";

std::vector<Node> Expand(const std::string& text) {
  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = ParseSpec(text, "e.yaml", diagnostics);
  EXPECT_TRUE(spec.ok()) << diagnostics.ToString();
  if (!spec.ok()) return {};
  absl::StatusOr<std::vector<Node>> nodes = ExpandSpec(*spec);
  EXPECT_TRUE(nodes.ok()) << nodes.status();
  return nodes.ok() ? *nodes : std::vector<Node>{};
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(ExpandTest, NamesNodesDeterministicallyInSpecOrder) {
  std::vector<Node> nodes = Expand(kSpec);
  std::vector<std::string> names;
  for (const auto& n : nodes) names.push_back(n.name);
  EXPECT_THAT(names, ElementsAre("lab-cp-1", "lab-worker-1", "lab-worker-2", "lab-old-1"));
  EXPECT_EQ(nodes[2].index, 2);
  EXPECT_EQ(nodes[2].group, "worker");
  EXPECT_EQ(nodes[2].cpus, 2);
  EXPECT_EQ(nodes[2].memory_bytes, 2ull << 30);
  EXPECT_EQ(nodes[2].image.disk, "/img/base.qcow2");
  EXPECT_TRUE(nodes[3].existing);
  EXPECT_EQ(nodes[3].address, "10.1.0.5");
}

TEST(ExpandTest, OrdersEachNodesRolesByDependency) {
  std::vector<Node> nodes = Expand(kSpec);
  // worker lists [join, tools]; tools has no dependencies and is declared
  // first, join runs after control.
  EXPECT_THAT(nodes[1].roles, ElementsAre("tools", "join"));
  EXPECT_EQ(nodes[1].role_hashes.size(), 2u);
}

TEST(ExpandTest, SameInputGivesSameHashes) {
  std::vector<Node> a = Expand(kSpec);
  std::vector<Node> b = Expand(kSpec);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].hardware_hash, b[i].hardware_hash);
    EXPECT_EQ(a[i].role_hashes, b[i].role_hashes);
    EXPECT_EQ(a[i].hardware_hash.size(), 64u);
  }
  EXPECT_EQ(a[1].hardware_hash, a[2].hardware_hash);  // same hardware, same hash
}

TEST(ExpandTest, HardwareHashFollowsCpusAndImageHashFollowsOnlyTheImage) {
  std::vector<Node> before = Expand(kSpec);
  std::vector<Node> more_cpus = Expand(Replace(kSpec, "worker: {count: 2, image: base, cpus: 2",
                                               "worker: {count: 2, image: base, cpus: 3"));
  EXPECT_NE(before[1].hardware_hash, more_cpus[1].hardware_hash);
  EXPECT_EQ(before[1].image_hash, more_cpus[1].image_hash);
  EXPECT_EQ(before[0].hardware_hash, more_cpus[0].hardware_hash);  // other group untouched
  EXPECT_EQ(before[1].role_hashes, more_cpus[1].role_hashes);

  std::vector<Node> new_image = Expand(Replace(kSpec, "/img/base.qcow2", "/img/base2.qcow2"));
  EXPECT_NE(before[1].image_hash, new_image[1].image_hash);
  EXPECT_NE(before[1].hardware_hash, new_image[1].hardware_hash);
}

// Nodes written before `networks`, `firmware`, `arch` and `autostart` keep
// the hashes their domains record: the canonical forms are pinned here, so
// an upgrade of reconcile is not a rollout of every cluster.
TEST(ExpandTest, DefaultMachinesKeepTheHashesTheyHadBeforeMachineKeys) {
  std::vector<Node> nodes = Expand(kSpec);
  const Node& cp = nodes[0];
  EXPECT_FALSE(cp.custom_boot());
  const std::string image = Sha256Hex(
      "image/v1\ndisk=15:/img/base.qcow2\nkernel=0:\ninitrd=0:\ncmdline=0:\nseed=4:true\n");
  EXPECT_EQ(cp.image_hash, image);
  EXPECT_EQ(cp.hardware_hash, Sha256Hex("hardware/v1\nexisting=0:\nimage=64:" + image +
                                        "\ncpus=1:2\nmemory=10:2147483648\ndisk=1:0\n"));
}

TEST(ExpandTest, NetworksResolveEachNodesAddressAndReplaceWhenChanged) {
  const std::string spec = Replace(
      kSpec, "worker: {count: 2, image: base, cpus: 2, memory: 2GiB,",
      "worker: {count: 2, image: base, cpus: 2, memory: 2GiB, networks: [lab, {network: st, "
      "address: \"10.9.0.{{ 20 + self.index }}/24\", gateway: 10.9.0.1, dns: [10.9.0.1]}],");
  std::vector<Node> nodes = Expand(spec);
  ASSERT_EQ(nodes[2].nics.size(), 2u);
  EXPECT_EQ(nodes[2].nics[0], (NodeNic{.network = "lab"}));
  EXPECT_EQ(nodes[2].nics[1], (NodeNic{.network = "st", .address = "10.9.0.22/24",
                                       .gateway = "10.9.0.1", .dns = {"10.9.0.1"}}));
  EXPECT_TRUE(nodes[1].custom_boot());
  EXPECT_TRUE(nodes[0].nics.empty());
  // Each node's address is part of how it is born: the two differ.
  EXPECT_NE(nodes[1].image_hash, nodes[2].image_hash);
  std::vector<Node> before = Expand(kSpec);
  EXPECT_NE(before[1].image_hash, nodes[1].image_hash);
  EXPECT_EQ(before[0].image_hash, nodes[0].image_hash);  // other group untouched
  std::vector<Node> moved = Expand(Replace(spec, "{{ 20 + self.index }}", "{{ 30 + self.index }}"));
  EXPECT_NE(moved[1].image_hash, nodes[1].image_hash);
}

TEST(ExpandTest, FirmwareAndArchReplaceAutostartUpdatesInPlace) {
  std::vector<Node> before = Expand(kSpec);
  std::vector<Node> uefi = Expand(Replace(kSpec, "cp: {count: 1,", "cp: {firmware: uefi, count: 1,"));
  EXPECT_EQ(uefi[0].firmware, "uefi");
  EXPECT_NE(before[0].image_hash, uefi[0].image_hash);
  std::vector<Node> autostart = Expand(Replace(kSpec, "cp: {count: 1,", "cp: {autostart: true, count: 1,"));
  EXPECT_TRUE(autostart[0].autostart);
  EXPECT_EQ(before[0].image_hash, autostart[0].image_hash);
  EXPECT_NE(before[0].hardware_hash, autostart[0].hardware_hash);
}

TEST(ExpandTest, ChangingAStepChangesOnlyThatRolesHash) {
  std::vector<Node> before = Expand(kSpec);
  std::vector<Node> after = Expand(Replace(kSpec, "init --name", "init --verbose --name"));
  EXPECT_NE(before[0].role_hashes.at("control"), after[0].role_hashes.at("control"));
  EXPECT_EQ(before[1].role_hashes.at("join"), after[1].role_hashes.at("join"));
  EXPECT_EQ(before[1].role_hashes.at("tools"), after[1].role_hashes.at("tools"));
  EXPECT_EQ(before[1].hardware_hash, after[1].hardware_hash);
}

TEST(ExpandTest, StaticValuesArePartOfTheRoleHashPerNode) {
  std::vector<Node> nodes = Expand(kSpec);
  // tools renders {{ self.name }}: each node has its own hash for it.
  EXPECT_NE(nodes[1].role_hashes.at("tools"), nodes[2].role_hashes.at("tools"));
  std::vector<Node> new_version = Expand(Replace(kSpec, "\"1.29\"", "\"1.30\""));
  EXPECT_NE(nodes[1].role_hashes.at("tools"), new_version[1].role_hashes.at("tools"));
  EXPECT_EQ(nodes[1].role_hashes.at("join"), new_version[1].role_hashes.at("join"));
}

TEST(ExpandTest, RuntimeReferencesAreHashedAsReferencesNotValues) {
  // join uses self.ip and a captured output: its hash must not depend on
  // them, so it is identical on both workers (only runtime refs differ).
  std::vector<Node> nodes = Expand(kSpec);
  EXPECT_EQ(nodes[1].role_hashes.at("join"), nodes[2].role_hashes.at("join"));

  Diagnostics diagnostics;
  Spec spec = *ParseSpec(kSpec, "e.yaml", diagnostics);
  RenderContext context = StaticRenderContext(spec, *ExpandSpec(spec), nodes[1]);
  const RoleSpec& join = *spec.FindRole("join");
  auto plain = RoleHash(join, context);
  context.self_ip = "10.0.0.7";
  context.role_outputs["control"]["cmd"] = "kubeadm join --token fresh";
  auto with_runtime = RoleHash(join, context);
  ASSERT_TRUE(plain.ok() && with_runtime.ok());
  // Supplying runtime values would change it: ExpandSpec must never do so.
  EXPECT_NE(*plain, *with_runtime);
  EXPECT_EQ(*plain, nodes[1].role_hashes.at("join"));
}

TEST(RoleGraphTest, FindsAndNamesCycles) {
  std::vector<RoleSpec> roles(3);
  roles[0].name = "a";
  roles[0].after = {"b"};
  roles[1].name = "b";
  roles[1].after = {"c"};
  roles[2].name = "c";
  EXPECT_EQ(FindRoleCycle(roles), std::nullopt);
  EXPECT_THAT(OrderRoles(roles), ElementsAre("c", "b", "a"));
  EXPECT_THAT(RoleDependencies(roles, "a"), ElementsAre("b", "c"));
  roles[2].after = {"a"};
  auto cycle = FindRoleCycle(roles);
  ASSERT_TRUE(cycle.has_value());
  EXPECT_THAT(*cycle, ElementsAre("a", "b", "c", "a"));
}

TEST(RoleGraphTest, LongChainsDoNotRecurse) {
  std::vector<RoleSpec> roles(50000);
  for (size_t i = 0; i < roles.size(); ++i) {
    roles[i].name = "r" + std::to_string(i);
    if (i > 0) roles[i].after = {roles[i - 1].name};
  }
  roles[0].after = {roles.back().name};
  auto cycle = FindRoleCycle(roles);
  ASSERT_TRUE(cycle.has_value());
  EXPECT_EQ(cycle->size(), roles.size() + 1);
}

}  // namespace
}  // namespace reconcile::model
