// The NodeShell contract (drivers/node_shell.h), run against the SSH driver on
// real sshd nodes of the fleet and against the FakeNodeShell the reconciler's
// tests use, so the fake cannot be kinder than a node: uploads read back, the
// `test -f` and `cat` built-ins behave as the shell's, an unknown command is
// not found (127), a wrong host key is refused, and a probe reads the
// recorded role hashes and runs the checks. "SshNodeShellBecome" runs the
// same contract with `become` (every command, write and read through sudo -n).
#include <unistd.h>

#include <memory>
#include <string>

#include "drivers/ssh/ssh_node_shell.h"
#include "gmock/gmock.h"
#include "tests/drivers/ssh/fleet_fixture.h"
#include "tests/testing/fake_node_shell.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::ssh {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::StatusIs;

class NodeShellContract : public FleetTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    FleetTest::SetUp();
    if (GetParam() != "FakeNodeShell") {
      shell_ = std::make_unique<SshNodeShell>();
    } else {
      auto fake = std::make_unique<::reconcile::testing::FakeNodeShell>();
      fake->SetHostKey(Name(1), HostKeyLine(1));  // what the node presents
      shell_ = std::move(fake);
    }
    // Fresh paths per run and implementation: the nodes share the filesystem.
    dir_ = "/tmp/rc-contract-" + std::to_string(getpid()) + "-" + GetParam();
  }
  void TearDown() override { (void)std::system(("rm -rf " + dir_).c_str()); }

  // Hides FleetTest::Target: the same node, reached with `become` when asked.
  SshTarget Target(int k) const {
    SshTarget t = FleetTest::Target(k);
    t.become = GetParam() == "SshNodeShellBecome";
    return t;
  }

  std::unique_ptr<NodeShell> shell_;
  std::string dir_;
};

// This test verifies that an uploaded file reads back, that the shell's
// `test -f` and `cat` see it, and that a missing file is kNotFound.
TEST_P(NodeShellContract, UploadedFilesReadBack) {
  ASSERT_THAT(shell_->Run(Target(1), "mkdir -p " + dir_, In(absl::Seconds(20))), IsOk());
  const std::string path = dir_ + "/app.conf";
  ASSERT_THAT(shell_->Upload(Target(1), path, "port=8080\n", 0600, "", In(absl::Seconds(20))),
              IsOk());
  EXPECT_EQ(*shell_->ReadFile(Target(1), path, 1024, In(absl::Seconds(20))), "port=8080\n");
  EXPECT_EQ(shell_->Run(Target(1), "test -f " + path, In(absl::Seconds(20)))->exit_status, 0);
  EXPECT_EQ(shell_->Run(Target(1), "test -f " + path + ".nope", In(absl::Seconds(20)))->exit_status, 1);
  absl::StatusOr<CommandResult> cat = shell_->Run(Target(1), "cat " + path, In(absl::Seconds(20)));
  ASSERT_THAT(cat, IsOk());
  EXPECT_EQ(cat->exit_status, 0);
  EXPECT_EQ(cat->stdout_data, "port=8080\n");
  EXPECT_THAT(shell_->ReadFile(Target(1), path + ".nope", 1024, In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kNotFound));
}

// This test verifies that a command nobody provides fails as "not found".
TEST_P(NodeShellContract, UnknownCommandIsNotFound) {
  absl::StatusOr<CommandResult> r =
      shell_->Run(Target(1), "reconcile-no-such-command --flag", In(absl::Seconds(20)));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->exit_status, 127);
}

// This test verifies that a target expecting another host key is refused.
TEST_P(NodeShellContract, AnotherHostKeyIsRefused) {
  SshTarget wrong = Target(1);
  wrong.expected_host_keys = {HostKeyLine(2)};
  EXPECT_THAT(shell_->Run(wrong, "true", In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

// This test verifies that a probe reads the recorded hash of each role that
// has one, leaves out roles without, and reports each check's exit status.
TEST_P(NodeShellContract, ProbeReadsRecordedHashesAndRunsChecks) {
  ASSERT_THAT(shell_->Run(Target(1), "mkdir -p " + dir_ + "/roles", In(absl::Seconds(20))), IsOk());
  ASSERT_THAT(shell_->Upload(Target(1), dir_ + "/roles/web.hash", "h-41d0", 0600, "",
                             In(absl::Seconds(20))),
              IsOk());
  ProbeRequest request;
  request.state_dir = dir_;
  request.roles = {"web", "db"};
  request.checks = {{"web/0", "test -f " + dir_ + "/roles/web.hash"},
                    {"web/1", "test -f " + dir_ + "/roles/db.hash"}};
  absl::StatusOr<ProbeResult> probe = shell_->Probe(Target(1), request, In(absl::Seconds(20)));
  ASSERT_THAT(probe, IsOk());
  EXPECT_EQ(probe->role_hashes.size(), 1u);
  EXPECT_EQ(probe->role_hashes["web"], "h-41d0");
  EXPECT_EQ(probe->check_exit_status["web/0"], 0);
  EXPECT_EQ(probe->check_exit_status["web/1"], 1);
}

INSTANTIATE_TEST_SUITE_P(BothImplementations, NodeShellContract,
                         ::testing::Values("SshNodeShell", "SshNodeShellBecome", "FakeNodeShell"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace reconcile::drivers::ssh
