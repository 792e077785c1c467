// This test verifies what an operator sees on a terminal while `reconcile
// watch` runs a slow action (against libvirt's test driver a configure waits
// for an address that never comes, about 7 s with its retries): a status line
// redrawn in place ("1 action running: configure lab-web-1 [web] (2s)"), a
// coloured spinner unless NO_COLOR is set, and the status line erased before
// the finished-action line, so nothing is left half drawn.
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/reconcile_binary.h"

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
  int master = -1;
  struct winsize size {};
  size.ws_col = 200;
  size.ws_row = 50;
  const pid_t pid = forkpty(&master, nullptr, nullptr, &size);
  if (pid == 0) {
    setenv("HOME", (dir / "home").c_str(), 1);
    setenv("TERM", "xterm", 1);
    if (no_color) {
      setenv("NO_COLOR", no_color->c_str(), 1);
    } else {
      unsetenv("NO_COLOR");
    }
    execl(RECONCILE_BINARY, RECONCILE_BINARY, "watch", spec.c_str(), "--lock-dir", locks.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid < 0) return "forkpty failed";
  std::string out;
  bool stopped = false;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  char buffer[4096];
  for (;;) {
    if (!stopped && (out.find(" pass 1: ") != std::string::npos || absl::Now() > deadline)) {
      kill(pid, SIGTERM);
      stopped = true;
    }
    const ssize_t n = read(master, buffer, sizeof buffer);
    if (n > 0) {
      out.append(buffer, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO: the child closed the terminal (exited)
    }
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  return out;
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
