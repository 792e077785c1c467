// This test verifies what an operator sees on a terminal while `reconcile
// watch` runs a slow action (against libvirt's test driver a configure waits
// for an address that never comes, about 7 s with its retries): a status line
// redrawn in place ("1 action running: configure lab-web-1 [web] (2s)"), a
// coloured spinner unless NO_COLOR is set, and the status line erased before
// the finished-action line, so nothing is left half drawn.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/reconcile_binary.h"
#include "tests/testing/pty_process.h"

namespace reconcile::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// Runs `reconcile watch SPEC` on a pseudo-terminal until its first pass line,
// then stops it with SIGTERM; returns everything it wrote.
std::string WatchOnATerminal(const fs::path& dir, std::optional<std::string> no_color) {
  const std::string spec = (dir / "slow.yaml").string();
  const std::string locks = (dir / "locks").string();
  std::vector<std::string> env = {"HOME=" + (dir / "home").string(), "TERM=xterm"};
  if (no_color) env.push_back("NO_COLOR=" + *no_color);
  // exec: the signal below must reach reconcile, not the shell.
  PtyProcess watch(std::string(no_color ? "" : "unset NO_COLOR; ") + "exec " + RECONCILE_BINARY +
                       " watch " + spec + " --lock-dir " + locks,
                   env);
  if (!watch.started()) return "forkpty failed";
  watch.WaitFor(" pass 1: ", std::chrono::seconds(60));
  kill(watch.pid(), SIGTERM);
  watch.Wait(std::chrono::seconds(30));
  return watch.output();
}

class WatchProgressCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("reconcile-watch-progress-" + std::to_string(getpid()));
    fs::create_directories(dir_ / "home/.ssh");
    std::ofstream(dir_ / "home/.ssh/id_ed25519.pub")
        << "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperatorKeyForCliTests cli-test\n";
    std::ofstream(dir_ / "slow.yaml")
        << "cluster: lab\n"
           "hypervisors:\n"
           "  - {name: h1, uri: \"test://"
        << fs::absolute("tests/cli/hosts/fixtures/host1.xml").string()
        << "\", network: lab, pool: rcl}\n"
           "images: {base: {disk: /rcl-pool/base.qcow2, seed: false}}\n"
           "groups: {web: {count: 1, image: base, memory: 256MiB, roles: [web]}}\n"
           "roles: {web: {steps: [{name: x, run: 'true'}]}}\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(WatchProgressCli, ARunningActionIsShownInPlaceThenErased) {
  const std::string out = WatchOnATerminal(dir_, std::nullopt);
  ASSERT_THAT(out, HasSubstr(" pass 1: ")) << out;
  EXPECT_THAT(out, HasSubstr("\x1b[36m")) << "a coloured spinner:\n" << out;
  EXPECT_THAT(out, HasSubstr(" 1 action running: configure lab-web-1 [web] (2s)")) << out;
  // The finished configure's line starts where the status line was erased.
  const size_t failed = out.find("FAILED  ~   lab-web-1 [web]");
  ASSERT_NE(failed, std::string::npos) << out;
  const size_t line_start = out.rfind("\x1b[K", failed);
  ASSERT_NE(line_start, std::string::npos) << out;
  EXPECT_THAT(out.substr(line_start, failed - line_start), Not(HasSubstr("running:")))
      << "nothing of the status line before the finished line:\n" << out;
}

TEST_F(WatchProgressCli, NoColorKeepsTheLineButDropsTheColour) {
  const std::string out = WatchOnATerminal(dir_, "1");
  ASSERT_THAT(out, HasSubstr(" pass 1: ")) << out;
  EXPECT_THAT(out, HasSubstr(" 1 action running: configure lab-web-1 [web]")) << out;
  EXPECT_THAT(out, HasSubstr("\r\x1b[K"));
  EXPECT_THAT(out, Not(HasSubstr("\x1b[36m"))) << out;
  EXPECT_THAT(out, Not(HasSubstr("\x1b[0m"))) << out;
}

}  // namespace
}  // namespace reconcile::testing
