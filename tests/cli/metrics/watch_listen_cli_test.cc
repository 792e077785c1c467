// This test verifies that `reconcile watch --listen` serves /metrics and
// /healthz while the loop runs against libvirt's test driver, stops cleanly
// on SIGTERM, and that a malformed --listen is refused before anything starts.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/cli/reconcile_binary.h"

namespace reconcile::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A `reconcile watch` child process whose stderr goes to a file; killed and
// reaped by the destructor if the test did not stop it.
class WatchProcess {
 public:
  explicit WatchProcess(const fs::path& dir) : dir_(dir), log_(dir / "watch.log") {
    fs::create_directories(dir_);
    pid_ = fork();
    if (pid_ == 0) {
      FILE* err = freopen(log_.c_str(), "w", stderr);
      (void)err;
      // No ~/.ssh here: no operator key, so no node can be created, the same
      // way on any machine (a developer's own key would change that).
      setenv("HOME", dir_.c_str(), 1);
      const std::string lock_dir = (dir_ / "locks").string();
      execl(RECONCILE_BINARY, RECONCILE_BINARY, "watch", "specs/lab.yaml", "--connect",
            "test:///default", "--interval", "1s", "--lock-dir", lock_dir.c_str(), "--listen",
            "127.0.0.1:0", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~WatchProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }
  std::string Log() const { return SlurpFile(log_); }

  // The port from the "serving ... on 127.0.0.1:PORT" line; 0 after a timeout.
  int WaitForPort() const {
    const std::regex serving("serving .* on 127\\.0\\.0\\.1:([0-9]+)");
    for (int i = 0; i < 300; ++i) {
      std::smatch match;
      const std::string log = Log();
      if (std::regex_search(log, match, serving)) return std::stoi(match[1]);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return 0;
  }
  // Sends SIGTERM and returns the exit code (-1: did not exit within 20 s).
  int Terminate() {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return -1;
  }

 private:
  fs::path dir_;
  fs::path log_;
  pid_t pid_ = -1;
};

TEST(WatchListenCli, ServesMetricsAndHealthWhileWatching) {
  WatchProcess watch(fs::temp_directory_path() / ("reconcile-listen-" + std::to_string(getpid())));
  const int port = watch.WaitForPort();
  ASSERT_GT(port, 0) << watch.Log();
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5);

  // The first pass runs at once; wait until it is counted.
  std::string body;
  for (int i = 0; i < 100 && body.find("reconcile_watch_passes_total{") == std::string::npos; ++i) {
    httplib::Result response = client.Get("/metrics");
    ASSERT_TRUE(response) << httplib::to_string(response.error());
    ASSERT_EQ(response->status, 200);
    body = response->body;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_THAT(body, HasSubstr("# TYPE reconcile_watch_passes_total counter\n"));
  EXPECT_THAT(body, HasSubstr("reconcile_watch_up 1\n"));
  // specs/lab.yaml has one leader and two members, none created: with no
  // operator key to seed them with (HOME has no .ssh), each is a plan
  // problem, and no create is even tried.
  EXPECT_THAT(body, HasSubstr("reconcile_nodes{group=\"member\",state=\"missing\"} 2\n"));
  EXPECT_THAT(body, HasSubstr("reconcile_plan_problems 3\n"));
  EXPECT_THAT(body, HasSubstr("reconcile_rollout_deferred{group=\"member\"} 0\n"));
  EXPECT_THAT(body, ::testing::Not(HasSubstr("kind=\"create\"")));

  httplib::Result health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");

  EXPECT_EQ(watch.Terminate(), 0) << watch.Log();
  EXPECT_THAT(watch.Log(), HasSubstr("stopped"));
  // Problems are said in the log, not only counted.
  EXPECT_THAT(watch.Log(), HasSubstr("problem: lab-leader-1: cannot be created: "));
  EXPECT_FALSE(client.Get("/metrics")) << "the port is closed after SIGTERM";
}

TEST(WatchListenCli, GarbageListenAddressIsRefused) {
  BinaryRun run = RunReconcile("watch specs/lab.yaml --connect test:///default --listen 127.0.0.1:http");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("--listen '127.0.0.1:http'"));
  EXPECT_THAT(run.err, HasSubstr("the port must be a number from 0 to 65535"));
  EXPECT_EQ(run.out, "");
}

}  // namespace
}  // namespace reconcile::testing
