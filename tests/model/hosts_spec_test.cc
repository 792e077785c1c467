// This test verifies that a spec may name several hypervisor hosts with
// capacities and restrict a group to some of them, and that a spec with the
// single `hypervisor:` block (or none) still means exactly one host, "default".
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/loader.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::model {
namespace {

using reconcile::testing::IsOk;
using ::testing::ElementsAre;

constexpr char kTwoHosts[] = R"(cluster: demo
hypervisors:
  - name: h1
    uri: qemu+ssh://root@h1/system
    network: lab
    pool: rcl
    capacity: {cpus: 8, memory: 16GiB, domains: 4}
  - {name: h2, uri: "test:///abs/h2.xml"}
images:
  base: {disk: /b.qcow2}
groups:
  web: {count: 2, image: base, placement: {hosts: [h2]}}
  db: {count: 1, image: base}
)";

TEST(HostsSpecTest, DecodesTheHypervisorsList) {
  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = ParseSpec(kTwoHosts, "two.yaml", diagnostics);
  ASSERT_THAT(spec, IsOk()) << diagnostics.ToString();
  ASSERT_EQ(spec->Hosts().size(), 2u);
  const HypervisorSpec& h1 = spec->Hosts()[0];
  EXPECT_EQ(h1.name, "h1");
  EXPECT_EQ(h1.uri, "qemu+ssh://root@h1/system");
  EXPECT_EQ(h1.network, "lab");
  EXPECT_EQ(h1.pool, "rcl");
  EXPECT_EQ(h1.capacity, (HostCapacity{.cpus = 8, .memory_bytes = 16ull << 30, .domains = 4}));
  EXPECT_EQ(h1.location.line, 3);
  const HypervisorSpec& h2 = spec->Hosts()[1];
  EXPECT_EQ(h2.name, "h2");
  EXPECT_EQ(h2.network, "default");
  EXPECT_FALSE(h2.capacity.limited());
  EXPECT_EQ(spec->FindHost("h2"), &h2);
  EXPECT_EQ(spec->FindHost("default"), nullptr);

  EXPECT_THAT(spec->FindGroup("web")->placement_hosts, ElementsAre("h2"));
  std::vector<std::string> web_hosts, db_hosts;
  for (const HypervisorSpec* host : spec->HostsFor(*spec->FindGroup("web"))) web_hosts.push_back(host->name);
  for (const HypervisorSpec* host : spec->HostsFor(*spec->FindGroup("db"))) db_hosts.push_back(host->name);
  EXPECT_THAT(web_hosts, ElementsAre("h2"));
  EXPECT_THAT(db_hosts, ElementsAre("h1", "h2"));
}

TEST(HostsSpecTest, TheSingleHypervisorBlockIsTheHostDefault) {
  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = ParseSpec(R"(cluster: demo
hypervisor: {uri: "test:///default", pool: p0}
images:
  base: {disk: /b.qcow2}
groups:
  web: {count: 1, image: base, placement: {hosts: [default]}}
)", "one.yaml", diagnostics);
  ASSERT_THAT(spec, IsOk()) << diagnostics.ToString();
  EXPECT_TRUE(spec->hypervisors.empty());
  ASSERT_EQ(spec->Hosts().size(), 1u);
  EXPECT_EQ(spec->Hosts()[0].name, "default");
  EXPECT_EQ(spec->Hosts()[0].uri, "test:///default");
  EXPECT_EQ(spec->Hosts()[0].pool, "p0");
  EXPECT_EQ(&spec->Hosts()[0], &spec->hypervisor);
}

TEST(HostsSpecTest, NoHypervisorAtAllIsTheDefaultHostOnTheSystemDaemon) {
  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = ParseSpec(R"(cluster: demo
images:
  base: {disk: /b.qcow2}
groups:
  web: {count: 1, image: base}
)", "none.yaml", diagnostics);
  ASSERT_THAT(spec, IsOk()) << diagnostics.ToString();
  ASSERT_EQ(spec->Hosts().size(), 1u);
  EXPECT_EQ(spec->Hosts()[0].name, "default");
  EXPECT_EQ(spec->Hosts()[0].uri, "qemu:///system");
}

}  // namespace
}  // namespace reconcile::model
