// This test verifies the built `reconcile` binary's cluster commands (plan,
// apply --dry-run, status, watch) against libvirt's in-process test driver:
// output, JSON, and exit codes as documented (0 no changes, 2 changes
// pending, 1 error).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/reconcile_binary.h"

namespace reconcile {
namespace {

using testing::BinaryRun;
using testing::LabHost;
using testing::OperatorKey;
using testing::RunReconcile;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Fixture(const std::string& name) {
  return "test://" + std::filesystem::absolute("tests/cli/fixtures/" + name).string();
}

// This test verifies the newcomer's first plan: an empty test driver means
// every node is created and configured, and the plan exits 0.
TEST(CommandsCli, PlanAgainstTheTestDriverShowsEveryCreation) {
  BinaryRun run = RunReconcile("plan specs/lab.yaml --connect " + LabHost());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("+ lab-leader-1"));
  EXPECT_THAT(run.out, HasSubstr("~ lab-member-2 [member]"));
  EXPECT_THAT(run.out, HasSubstr("Plan: 3 to create"));
  EXPECT_THAT(run.out, Not(HasSubstr("\x1b["))) << "no colour when not on a terminal";
}

// This test verifies that a plan checks what apply will need: against
// test:///default, which has no pool "default", every create of specs/lab.yaml
// would fail, so the plan says why for each node and exits 1 (before, it was
// green and apply then failed).
TEST(CommandsCli, PlanNamesWhatACreateWouldMiss) {
  BinaryRun run = RunReconcile("plan specs/lab.yaml --connect test:///default");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("lab-leader-1: cannot be created: storage pool \"default\" does not exist"));
  EXPECT_THAT(run.out, Not(HasSubstr("+ lab-leader-1")));

  BinaryRun keyless = RunReconcile("plan specs/lab.yaml --connect " + LabHost(), OperatorKey::kAbsent);
  EXPECT_EQ(keyless.exit_code, 1) << keyless.out << keyless.err;
  EXPECT_THAT(keyless.out, HasSubstr("cannot read the operator's public key"));
  EXPECT_THAT(keyless.out, HasSubstr("/.ssh/id_ed25519.pub"));
}

// This test verifies --detailed-exitcode: 2 when changes are pending.
TEST(CommandsCli, DetailedExitCodeSaysChangesArePending) {
  EXPECT_EQ(RunReconcile("plan specs/lab.yaml --connect " + LabHost() + " --detailed-exitcode").exit_code, 2);
  EXPECT_EQ(RunReconcile("apply --dry-run specs/lab.yaml --connect " + LabHost()).exit_code, 0);
}

// This test verifies that --json prints the documented plan document.
TEST(CommandsCli, PlanJsonIsTheDocumentedDocument) {
  BinaryRun run = RunReconcile("plan specs/lab.yaml --connect " + LabHost() + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json plan = nlohmann::json::parse(run.out);
  EXPECT_EQ(plan["format_version"], "1");
  EXPECT_EQ(plan["cluster"], "lab");
  EXPECT_EQ(plan["converged"], false);
  ASSERT_EQ(plan["actions"].size(), 6u);
  EXPECT_EQ(plan["actions"][0]["kind"], "create");
  EXPECT_EQ(plan["actions"][5]["kind"], "configure");
  EXPECT_EQ(plan["actions"][5]["role"], "member");
}

// This test verifies that an unmanaged domain holding a node's name makes the
// plan an error naming it, while the other nodes are still planned.
TEST(CommandsCli, UnmanagedCollisionIsAnError) {
  BinaryRun run = RunReconcile("plan specs/lab.yaml --connect " + Fixture("collision.xml"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.out, HasSubstr("lab-member-2"));
  EXPECT_THAT(run.out, HasSubstr("reconcile did not create"));
  EXPECT_THAT(run.out, HasSubstr("+ lab-leader-1"));
  EXPECT_THAT(run.out, Not(HasSubstr("bystander")));
}

// This test verifies the status table and its exit code (2: not converged).
TEST(CommandsCli, StatusTabulatesNodes) {
  BinaryRun run = RunReconcile("status specs/lab.yaml --connect " + LabHost());
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_THAT(run.out, HasSubstr("NODE"));
  EXPECT_THAT(run.out, HasSubstr("lab-member-1  member  missing"));
  EXPECT_THAT(run.out, HasSubstr("0 of 3 nodes converged."));
  BinaryRun json = RunReconcile("status specs/lab.yaml --connect " + LabHost() + " --json");
  EXPECT_EQ(json.exit_code, 2) << json.err;
  nlohmann::json doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["format_version"], "1");
  EXPECT_EQ(doc["cluster"], "lab");
  EXPECT_EQ(doc["converged"], false);
  ASSERT_EQ(doc["nodes"].size(), 3u);
  EXPECT_EQ(doc["nodes"][1]["state"], "missing");
  EXPECT_EQ(doc["nodes"][1]["converged"], false);
}

// This test verifies that an invalid spec is refused with located diagnostics
// before anything is contacted.
TEST(CommandsCli, InvalidSpecIsRefusedWithItsLocation) {
  BinaryRun run = RunReconcile("plan tests/model/malformed/05-unknown-group-key.yaml --connect test:///default");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("05-unknown-group-key.yaml:"));
  EXPECT_EQ(run.out, "");
}

// This test verifies that an unreachable hypervisor is a clear error naming
// it once: "reconcile: connect to <uri>: <libvirt's reason>".
TEST(CommandsCli, UnreachableHypervisorIsNamed) {
  const std::string uri = "test:///nonexistent/fixture.xml";
  BinaryRun run = RunReconcile("plan specs/lab.yaml --connect " + uri);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("reconcile: connect to " + uri + ": "));
  EXPECT_EQ(run.err.find(uri), run.err.rfind(uri)) << "the URI once:\n" << run.err;
  EXPECT_FALSE(run.signalled);
}

// This test verifies `reconcile --watch SPEC` is `reconcile watch SPEC` (it
// fails the same way on a missing spec) and that usage errors exit 1.
TEST(CommandsCli, WatchFlagIsTheWatchCommand) {
  BinaryRun flag = RunReconcile("--watch /nonexistent/spec.yaml");
  BinaryRun command = RunReconcile("watch /nonexistent/spec.yaml");
  EXPECT_EQ(flag.exit_code, 1);
  EXPECT_EQ(flag.err, command.err);
  EXPECT_THAT(flag.err, HasSubstr("/nonexistent/spec.yaml"));
  EXPECT_EQ(RunReconcile("plan").exit_code, 1);
  EXPECT_EQ(RunReconcile("watch specs/lab.yaml --interval soon").exit_code, 1);
}

}  // namespace
}  // namespace reconcile
