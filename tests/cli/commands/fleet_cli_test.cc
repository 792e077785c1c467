// This test verifies, on a real sshd fleet (tests/lab/fleet.sh: one network
// namespace and sshd per node), what the binary does with existing machines:
// Ctrl-C during apply lets the running action finish, starts nothing new,
// says so and exits 130, and the next apply finishes the rest; `reconcile
// ssh` runs a command on a node by name, verified against known_hosts, and
// refuses a node whose key is not the one known.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/reconcile_binary.h"
#include "tests/testing/ci.h"
#include "tests/testing/pty_process.h"
#include "tests/testing/sshd_fleet.h"

namespace reconcile {
namespace {

using testing::BinaryRun;
using testing::PtyProcess;
using testing::RunReconcile;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr int kNodes = 3;
const testing::SshdFleet kFleet("rccf", "10.216");

std::string Name(int k) { return kFleet.Name(k); }
std::string Address(int k) { return kFleet.Address(k); }

class FleetCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) {
      skip_reason_ = "the sshd fleet needs root (network namespaces, sshd)";
      if (::reconcile::testing::InCi()) FAIL() << skip_reason_ << " and CI=true";
      return;
    }
    setup_error_ = kFleet.Up(kNodes);
  }
  static void TearDownTestSuite() {
    if (skip_reason_.empty()) EXPECT_TRUE(kFleet.Down());
  }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    dir_ = std::filesystem::temp_directory_path() /
           ("reconcile-fleet-cli-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "locks");
    std::ofstream(dir_ / "known_hosts") << kFleet.KnownHosts(kNodes);
    // Each node starts empty: the marker files are what the role makes.
    for (int k = 1; k <= kNodes; ++k) Exec(k, "rm -rf /root/reconcile-slow-step /root/.reconcile-state");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `command` on node k as the fleet's root (not through reconcile).
  static int Exec(int k, const std::string& command) { return kFleet.Exec(k, command); }

  // A spec of the fleet as existing machines; the role's step takes `seconds`.
  std::string WriteSpec(int seconds, int parallel) {
    const std::string path = (dir_ / "fleet.yaml").string();
    std::ofstream(path) << "cluster: fleetcli\n"
                        << "hypervisor: { uri: 'test:///default' }\n"
                        << "ssh:\n  user: root\n  identity: " << kFleet.ClientKey()
                        << "\n  known_hosts: " << (dir_ / "known_hosts").string()
                        << "\n  state_dir: /root/.reconcile-state\n"
                        << "groups:\n  box: { hosts: [" << Address(1) << ", " << Address(2)
                        << ", " << Address(3) << "], roles: [slow] }\n"
                        << "roles:\n  slow:\n    steps:\n      - name: mark\n"
                        << "        check: test -e /root/reconcile-slow-step\n"
                        << "        run: sleep " << seconds << " && touch /root/reconcile-slow-step\n"
                        << "policy: { parallel: " << parallel << ", retries: 0 }\n";
    return path;
  }

  std::string Binary(const std::string& args) const {
    return std::string(RECONCILE_BINARY) + " " + args + " --lock-dir " +
           (dir_ / "locks").string();
  }

  static inline std::string skip_reason_;
  static inline std::string setup_error_;
  std::filesystem::path dir_;
};

// This test verifies Ctrl-C during apply: the one running configure finishes
// (its marker exists), the others never start, the report says so, the exit
// code is 130, and the next apply configures exactly the rest.
TEST_F(FleetCli, InterruptFinishesTheRunningActionAndStartsNothingNew) {
  const std::string spec = WriteSpec(/*seconds=*/3, /*parallel=*/1);
  PtyProcess apply(Binary("apply " + spec));
  ASSERT_TRUE(apply.WaitFor("Pass 1:", 30s)) << apply.output();
  ASSERT_TRUE(apply.WaitFor("to configure", 30s)) << apply.output();
  std::this_thread::sleep_for(1s);  // the first configure is running now
  apply.Type("\x03");
  EXPECT_EQ(apply.Wait(60s), 130) << apply.output();
  EXPECT_THAT(apply.output(), HasSubstr("stopping: nothing new starts"));
  EXPECT_THAT(apply.output(), HasSubstr("Apply interrupted after"));
  EXPECT_THAT(apply.output(), HasSubstr("1 action done, 0 failed, 2 not started"));
  int marked = 0;
  for (int k = 1; k <= kNodes; ++k) marked += Exec(k, "test -e /root/reconcile-slow-step") == 0;
  EXPECT_EQ(marked, 1);

  BinaryRun rest = RunReconcile("apply " + spec + " --lock-dir " + (dir_ / "locks").string());
  EXPECT_EQ(rest.exit_code, 0) << rest.out << rest.err;
  EXPECT_THAT(rest.out, HasSubstr("2 to configure"));
  for (int k = 1; k <= kNodes; ++k) EXPECT_EQ(Exec(k, "test -e /root/reconcile-slow-step"), 0);
}

// This test verifies `reconcile ssh NODE -- COMMAND` on an existing machine:
// the command runs there (its hostname), its exit status comes back, and a
// known_hosts that names another key makes ssh refuse.
TEST_F(FleetCli, SshRunsACommandOnTheNodeVerified) {
  const std::string spec = WriteSpec(0, 4);
  BinaryRun run = RunReconcile("ssh " + spec + " fleetcli-box-2 -- hostname");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, Name(2) + "\n");
  EXPECT_EQ(RunReconcile("ssh " + spec + " fleetcli-box-1 -- exit 7").exit_code, 7);

  // Node 3's line now carries node 1's key: a man in the middle, as ssh sees it.
  std::ofstream(dir_ / "known_hosts")
      << Address(3) << " " << kFleet.HostKeyLine(1) << "\n";
  BinaryRun refused = RunReconcile("ssh " + spec + " fleetcli-box-3 -- touch /tmp/should-not");
  EXPECT_EQ(refused.exit_code, 255);
  EXPECT_THAT(refused.err, HasSubstr("Host key verification failed"));
  EXPECT_NE(Exec(3, "test -e /tmp/should-not"), 0);
  std::filesystem::remove("/tmp/should-not");
}

}  // namespace
}  // namespace reconcile
