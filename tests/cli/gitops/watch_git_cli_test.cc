// This test verifies `reconcile watch --git` as an operator runs it, against
// libvirt's test driver and a real repository made in the test: each new
// commit pushed to the branch is fetched and taken; a commit whose spec does
// not load is refused with errors naming the commit while the last good one
// stays desired; a revert and a force-push are taken like any commit; SIGHUP
// fetches at once. The log, /status.json and /metrics name the commits.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/cli/reconcile_binary.h"
#include "tests/cli/watch_endpoint.h"
#include "tests/testing/ci.h"
#include "tests/testing/git_repo.h"

namespace reconcile::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// One group on the test driver. No operator key exists under the test's
// HOME, so nodes are never created: every pass plans the same problems, the
// same way on any machine, and what changes is the commit taken.
std::string Spec(int memory_mib, const std::string& extra = "") {
  return "cluster: gitwatch\n"
         "hypervisor: { uri: 'test:///default' }\n"
         "images: { tiny: { disk: /var/lib/libvirt/images/tiny.qcow2 } }\n"
         "groups:\n"
         "  box: { count: 1, image: tiny, cpus: 1, memory: " +
         std::to_string(memory_mib) + "MiB" + extra + " }\n";
}

class WatchGit : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("reconcile-watch-git-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    repo_ = std::make_unique<ScratchRepo>(dir_ / "repos");
    ASSERT_TRUE(repo_->ok());
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  std::string Push(const std::string& spec, const std::string& message) {
    repo_->Write("clusters/lab.yaml", spec);
    const std::string commit = repo_->Commit(message);
    EXPECT_TRUE(repo_->Push());
    return commit;
  }

  void Start(const std::string& poll) {
    const fs::path log = dir_ / "watch.log";
    fs::remove(log);  // a restart must not read the last run's port
    pid_ = fork();
    if (pid_ == 0) {
      FILE* err = freopen(log.c_str(), "w", stderr);
      (void)err;
      setenv("HOME", dir_.c_str(), 1);
      const std::string origin = repo_->origin().string();
      const std::string state = (dir_ / "state").string();
      const std::string locks = (dir_ / "locks").string();
      execl(RECONCILE_BINARY, RECONCILE_BINARY, "watch", "--git", origin.c_str(), "--branch",
            "main", "--path", "clusters/lab.yaml", "--git-poll", poll.c_str(), "--interval", "1h",
            "--state-dir", state.c_str(), "--lock-dir", locks.c_str(), "--listen", "127.0.0.1:0",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    port_ = ListenPortFromLog(dir_ / "watch.log");
    ASSERT_NE(port_, 0) << Log();
  }
  std::string Log() const { return SlurpFile(dir_ / "watch.log"); }
  std::string Get(const std::string& path) const { return GetFromWatch(port_, path); }
  nlohmann::json Revision() const { return WatchRevision(port_); }
  bool WaitForRevision(const std::function<bool(const nlohmann::json&)>& done) const {
    return ::reconcile::testing::WaitForRevision(port_, done, 30);
  }
  bool WaitForDesired(const std::string& commit) const {
    return WaitForRevision([&](const nlohmann::json& r) { return r["desired"] == commit; });
  }

  fs::path dir_;
  std::unique_ptr<ScratchRepo> repo_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// This test verifies the whole commit history an operator pushes: a commit
// is taken, a bad commit is refused (log, status, metrics) while the good one
// stays, a fix, a revert and a force-push are each taken.
TEST_F(WatchGit, TakesEachCommitRefusesABadOneAndFollowsARevertAndAForcePush) {
  const std::string first = Push(Spec(256), "first");
  Start("1s");
  ASSERT_TRUE(WaitForDesired(first)) << Log();
  EXPECT_THAT(Log(), HasSubstr("watching clusters/lab.yaml at " + first.substr(0, 12)));
  EXPECT_EQ(Revision()["seen"], first);
  EXPECT_EQ(Revision()["branch"], "main");

  const std::string bad = Push(Spec(256, ", memroy: 1"), "typo");
  ASSERT_TRUE(WaitForRevision([&](const nlohmann::json& r) {
    return r["refused"].is_object() && r["refused"]["commit"] == bad;
  })) << Log();
  const nlohmann::json refused = Revision();
  EXPECT_EQ(refused["desired"], first);
  EXPECT_EQ(refused["seen"], bad);
  EXPECT_THAT(refused["refused"]["error"].get<std::string>(),
              HasSubstr(bad.substr(0, 12) + ":clusters/lab.yaml:5:"));
  EXPECT_THAT(Log(), HasSubstr("refused commit " + bad.substr(0, 12) + " (typo), still applying " +
                               first.substr(0, 12)));
  EXPECT_THAT(Log(), HasSubstr("unknown key 'memroy'"));
  const std::string metrics = Get("/metrics");
  EXPECT_THAT(metrics, HasSubstr("reconcile_refused_commit_info{branch=\"main\",commit=\"" + bad + "\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("reconcile_desired_commit_info{branch=\"main\",commit=\"" + first + "\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("reconcile_git_refused_commits_total 1"));
  // Prometheus's own linter accepts the commit families too.
  if (::access("/usr/bin/promtool", X_OK) == 0 || InCi()) {
    std::ofstream(dir_ / "exposition.txt") << metrics;
    const std::string check = "promtool check metrics < " + (dir_ / "exposition.txt").string() +
                              " > " + (dir_ / "promtool.log").string() + " 2>&1";
    EXPECT_EQ(std::system(check.c_str()), 0) << SlurpFile(dir_ / "promtool.log");
  }

  const std::string fixed = Push(Spec(512), "fix the typo, more memory");
  ASSERT_TRUE(WaitForDesired(fixed)) << Log();
  EXPECT_TRUE(Revision()["refused"].is_null());

  const std::string more = Push(Spec(768), "more memory");
  ASSERT_TRUE(WaitForDesired(more)) << Log();
  const std::string reverted = repo_->Revert(more);
  ASSERT_FALSE(reverted.empty());
  ASSERT_TRUE(repo_->Push());
  ASSERT_TRUE(WaitForDesired(reverted)) << Log();
  EXPECT_THAT(Log(), HasSubstr("git: taking commit " + reverted.substr(0, 12) + " (Revert"));

  ASSERT_TRUE(repo_->ResetHard(first));
  repo_->Write("clusters/lab.yaml", Spec(1024));
  const std::string rewritten = repo_->Commit("rewritten history");
  ASSERT_TRUE(repo_->ForcePush());
  ASSERT_TRUE(WaitForDesired(rewritten)) << Log();
  EXPECT_THAT(Log(), HasSubstr("main was force-pushed: its tip " + rewritten.substr(0, 12)));
  EXPECT_THAT(Get("/metrics"),
              HasSubstr("reconcile_seen_commit_info{branch=\"main\",commit=\"" + rewritten + "\"} 1"));

  kill(pid_, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid_, &status, 0), pid_);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << Log();
}

// This test verifies that SIGHUP fetches at once: with an hour between
// polls, a pushed commit is taken only because of the signal.
TEST_F(WatchGit, SighupFetchesAtOnce) {
  const std::string first = Push(Spec(256), "first");
  Start("1h");
  ASSERT_TRUE(WaitForDesired(first)) << Log();
  const std::string second = Push(Spec(512), "second");
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(Revision()["seen"], first) << "fetched without being asked";
  kill(pid_, SIGHUP);
  ASSERT_TRUE(WaitForDesired(second)) << Log();
  EXPECT_THAT(Log(), HasSubstr("git: SIGHUP: fetching now"));
}

// This test verifies that a watch started while the tip is bad keeps
// applying the last commit that loaded, and says so.
TEST_F(WatchGit, ARestartWithABadTipKeepsTheLastGoodCommit) {
  const std::string good = Push(Spec(256), "good");
  Start("1s");
  ASSERT_TRUE(WaitForDesired(good)) << Log();
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  port_ = 0;
  const std::string bad = Push("cluster: [\n", "broken");
  Start("1s");
  ASSERT_TRUE(WaitForDesired(good)) << Log();
  EXPECT_EQ(Revision()["refused"]["commit"], bad);
  EXPECT_THAT(Log(), HasSubstr("refused commit " + bad.substr(0, 12) + " (broken); applying the "
                               "last good commit " + good.substr(0, 12)));
}

// This test verifies that a password in an https URL never reaches what the
// operator sees, even when the fetch fails (here a loopback port where
// nothing listens): the URL is shown without it.
TEST_F(WatchGit, APasswordInTheUrlIsNeverShown) {
  const std::string state = (dir_ / "state").string();
  const BinaryRun run = RunReconcile("plan --git https://ci:s3cret-token@127.0.0.1:1/lab.git "
                                     "--path lab.yaml --state-dir " + state);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.err, HasSubstr("https://ci@127.0.0.1:1/lab.git")) << run.err;
  EXPECT_THAT(run.out + run.err, ::testing::Not(HasSubstr("s3cret-token")));
}

}  // namespace
}  // namespace reconcile::testing
