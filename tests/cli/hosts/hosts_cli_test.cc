// This test verifies what the `reconcile` binary shows for a spec with several
// hypervisor hosts (independent libvirt test-driver endpoints): plan text and
// JSON say which host each machine action runs on, a node that already exists
// on a host stays there, `status` lists nodes per host, and a host that is
// down is reported with its unknown nodes while the plan exits 1.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/hosts/hosts_spec_file.h"
#include "tests/cli/reconcile_binary.h"

namespace reconcile {
namespace {

using testing::BinaryRun;
using testing::HostFixture;
using testing::HostsSpecFile;
using testing::RunReconcile;
using ::testing::HasSubstr;
using ::testing::Not;

// lab-web-1 was created on h2 earlier (from an older image).
HostsSpecFile ExistingOnH2() {
  return HostsSpecFile({{"h1", HostFixture("host1.xml")}, {"h2", HostFixture("host2-web1.xml")}}, 2);
}

TEST(HostsCli, PlanTextSaysWhereEachNodeGoesAndKeepsExistingOnesInPlace) {
  HostsSpecFile spec = ExistingOnH2();
  BinaryRun run = RunReconcile("plan " + spec.path());
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_THAT(run.out, HasSubstr("lab-web-1  replace on h2: image changed"));
  EXPECT_THAT(run.out, HasSubstr("+ lab-web-2  create on h1: not found"));
  EXPECT_THAT(run.out, HasSubstr("+ lab-db-1   create on h1: not found"));
  EXPECT_THAT(run.out, Not(HasSubstr("lab-web-1  create")));
}

TEST(HostsCli, PlanJsonCarriesTheHostOfMachineActions) {
  HostsSpecFile spec = ExistingOnH2();
  BinaryRun run = RunReconcile("plan --json " + spec.path());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json plan = nlohmann::json::parse(run.out);
  EXPECT_EQ(plan["format_version"], "1");
  std::map<std::string, std::string> host_of;
  for (const auto& action : plan["actions"]) host_of[action["node"]] = action.value("host", "");
  EXPECT_EQ(host_of["lab-web-1"], "h2");
  EXPECT_EQ(host_of["lab-web-2"], "h1");
  EXPECT_EQ(host_of["lab-db-1"], "h1");
}

TEST(HostsCli, StatusListsNodesPerHost) {
  HostsSpecFile spec = ExistingOnH2();
  BinaryRun run = RunReconcile("status " + spec.path());
  EXPECT_EQ(run.exit_code, 2) << run.err << run.out;  // changes pending
  EXPECT_THAT(run.out, HasSubstr("HOST"));
  EXPECT_THAT(run.out, HasSubstr("host h1: 2 nodes (lab-web-2, lab-db-1)"));
  EXPECT_THAT(run.out, HasSubstr("host h2: 1 node (lab-web-1)"));

  BinaryRun json = RunReconcile("status --json " + spec.path());
  nlohmann::json doc = nlohmann::json::parse(json.out);
  ASSERT_EQ(doc["hosts"].size(), 2u);
  EXPECT_EQ(doc["hosts"][1]["name"], "h2");
  EXPECT_EQ(doc["hosts"][1]["reachable"], true);
  EXPECT_EQ(doc["hosts"][1]["nodes"], nlohmann::json::array({"lab-web-1"}));
}

TEST(HostsCli, AHostThatIsDownIsReportedWithItsUnknownNodes) {
  HostsSpecFile spec({{"h1", HostFixture("host1.xml")}, {"h3", testing::DeadHost()}}, 2);
  BinaryRun run = RunReconcile("plan " + spec.path());
  EXPECT_EQ(run.exit_code, 1) << run.err << run.out;
  // The warning names the host, and the URI once (in the driver's message).
  EXPECT_THAT(run.err, HasSubstr("reconcile: warning: host h3: connect to " + testing::DeadHost()));
  EXPECT_EQ(run.err.find(testing::DeadHost()), run.err.rfind(testing::DeadHost())) << run.err;
  EXPECT_THAT(run.out, HasSubstr("host h3 unreachable: 3 nodes unknown (lab-web-1, lab-web-2, lab-db-1)"));
  EXPECT_THAT(run.out, Not(HasSubstr("+ lab-")));
  EXPECT_THAT(run.out, HasSubstr("Plan: 0 to create"));

  BinaryRun status = RunReconcile("status " + spec.path());
  EXPECT_THAT(status.out, HasSubstr("unknown"));
  EXPECT_THAT(status.out, HasSubstr("host h3: 0 nodes; unreachable, 3 unknown"));
}

TEST(HostsCli, ConnectIsRefusedForSeveralHosts) {
  HostsSpecFile spec = ExistingOnH2();
  BinaryRun run = RunReconcile("plan " + spec.path() + " --connect test:///default");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("--connect"));
}

}  // namespace
}  // namespace reconcile
