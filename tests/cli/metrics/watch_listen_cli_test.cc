// This test verifies that `reconcile watch --listen` serves /metrics and
// /healthz while the loop runs against libvirt's test driver, stops cleanly
// on SIGTERM, and that a malformed --listen is refused before anything starts.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <filesystem>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/cli/reconcile_binary.h"
#include "tests/cli/watch_endpoint.h"
#include "tests/testing/ci.h"

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
  int WaitForPort() const { return ListenPortFromLog(log_); }
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

// /metrics once the first pass is counted (it runs at once), or the last
// answer after 10 s.
std::string MetricsAfterFirstPass(httplib::Client& client) {
  std::string body;
  for (int i = 0; i < 100 && body.find("reconcile_watch_passes_total{") == std::string::npos; ++i) {
    httplib::Result response = client.Get("/metrics");
    EXPECT_TRUE(response) << httplib::to_string(response.error());
    if (!response) return "";
    EXPECT_EQ(response->status, 200);
    body = response->body;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return body;
}

TEST(WatchListenCli, ServesMetricsAndHealthWhileWatching) {
  WatchProcess watch(fs::temp_directory_path() / ("reconcile-listen-" + std::to_string(getpid())));
  const int port = watch.WaitForPort();
  ASSERT_GT(port, 0) << watch.Log();
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5);

  const std::string body = MetricsAfterFirstPass(client);
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

int Shell(const std::string& command) {
  const int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// A loopback port nothing listens on now (the kernel's pick for port 0).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// This test verifies the exposition with Prometheus's own tools: `promtool
// check metrics` accepts it, and a real Prometheus (Debian's package, started
// here on a loopback port) scrapes the watch and answers a query with its
// values.
TEST(WatchListenCli, PrometheusScrapesTheWatch) {
  if (access("/usr/bin/prometheus", X_OK) != 0 || access("/usr/bin/promtool", X_OK) != 0) {
    if (InCi()) FAIL() << "no prometheus/promtool (scripts/install-deps.sh installs them) and CI=true";
    GTEST_SKIP() << "no /usr/bin/prometheus or /usr/bin/promtool (scripts/install-deps.sh)";
  }
  const fs::path dir = fs::temp_directory_path() / ("reconcile-prometheus-" + std::to_string(getpid()));
  WatchProcess watch(dir / "watch");
  const int port = watch.WaitForPort();
  ASSERT_GT(port, 0) << watch.Log();
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5);
  const std::string body = MetricsAfterFirstPass(client);
  ASSERT_THAT(body, HasSubstr("reconcile_watch_passes_total{"));
  std::ofstream(dir / "exposition.txt") << body;
  EXPECT_EQ(Shell("promtool check metrics < " + (dir / "exposition.txt").string() + " > " +
                  (dir / "promtool.log").string() + " 2>&1"),
            0)
      << SlurpFile(dir / "promtool.log");

  const int prometheus_port = FreePort();
  std::ofstream(dir / "prometheus.yml")
      << "global: { scrape_interval: 1s }\n"
      << "scrape_configs:\n  - job_name: reconcile\n    static_configs:\n"
      << "      - targets: ['127.0.0.1:" << port << "']\n";
  const pid_t prometheus = fork();
  if (prometheus == 0) {
    FILE* err = freopen((dir / "prometheus.log").c_str(), "w", stderr);
    (void)err;
    const std::string config = "--config.file=" + (dir / "prometheus.yml").string();
    const std::string storage = "--storage.tsdb.path=" + (dir / "tsdb").string();
    const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port);
    execl("/usr/bin/prometheus", "prometheus", config.c_str(), storage.c_str(), listen.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  httplib::Client api("127.0.0.1", prometheus_port);
  api.set_read_timeout(5);
  std::string answer;
  for (int i = 0; i < 300; ++i) {  // Prometheus starts, scrapes, answers: seconds
    httplib::Result r = api.Get("/api/v1/query?query=reconcile_watch_up%7Bjob%3D%22reconcile%22%7D");
    if (r && r->status == 200 && r->body.find("\"value\"") != std::string::npos) {
      answer = r->body;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(prometheus, SIGTERM);
  waitpid(prometheus, nullptr, 0);
  EXPECT_THAT(answer, HasSubstr("\"__name__\":\"reconcile_watch_up\""))
      << SlurpFile(dir / "prometheus.log");
  EXPECT_THAT(answer, HasSubstr(",\"1\"]"));  // [timestamp, "1"]: the loop is up
  EXPECT_EQ(watch.Terminate(), 0) << watch.Log();
  fs::remove_all(dir);
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
