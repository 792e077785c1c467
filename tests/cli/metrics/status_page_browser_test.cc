// This test verifies the status page of `reconcile watch --listen` in a real
// headless browser (Debian's chromium) against a real watch over a real sshd
// fleet (tests/lab/fleet.sh): the page shows the cluster converged; after a
// node drifts in a way its role cannot repair yet, the node's row shows the
// drift and the failed passes; once it can, the node is converged again and
// the correction is in the drift history. The page's script runs, fetches
// /status.json and /history.json from the watch and renders them. And
// `watch --git` over the same fleet: each commit's file content reaches the
// nodes, a commit that does not load is refused while the nodes keep the last
// good one (the page shows both), and a revert restores the content.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/cli/watch_endpoint.h"
#include "tests/testing/ci.h"
#include "tests/testing/git_repo.h"
#include "tests/testing/sshd_fleet.h"

namespace reconcile::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr const char* kChromium = "/usr/bin/chromium";
const SshdFleet kFleet("rcsp", "10.218");

std::string Name(int k) { return kFleet.Name(k); }
std::string Address(int k) { return kFleet.Address(k); }
fs::path Home(int k) { return kFleet.Home(k); }
std::string Slurp(const fs::path& path) { return SshdFleet::Slurp(path); }

// `command` through sh, its output where the command says.
int Shell(const std::string& command) {
  const int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

class StatusPageBrowser : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_reason_ = SshdFleet::CannotRun();
    if (skip_reason_.empty() && ::access(kChromium, X_OK) != 0) {
      skip_reason_ = "no /usr/bin/chromium (scripts/install-deps.sh installs it)";
    }
    if (!skip_reason_.empty()) {
      if (InCi()) FAIL() << skip_reason_ << " and CI=true";
      return;
    }
    setup_error_ = kFleet.Up(2);
  }
  static void TearDownTestSuite() {
    if (skip_reason_.empty()) EXPECT_TRUE(kFleet.Down());
  }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    dir_ = fs::temp_directory_path() / ("reconcile-page-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "locks");
    std::ofstream(dir_ / "known_hosts") << kFleet.KnownHosts(2);
    for (int k = 1; k <= 2; ++k) {
      fs::remove_all(Home(k) / ".reconcile-state");
      std::ofstream(Home(k) / "page.allow");  // the role can apply
      fs::remove(Home(k) / "page.mark");
      fs::remove(Home(k) / "page.motd");
    }
    spec_ = (dir_ / "page.yaml").string();
    WriteSpec();
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  // The fleet's two nodes as one group of existing machines; `role` is the
  // YAML of role web's steps.
  std::string SpecText(const std::string& role) const {
    std::ostringstream text;
    text << "cluster: page\n"
         << "hypervisor: { uri: 'test:///default' }\n"
         << "ssh: { user: root, identity: " << kFleet.ClientKey() << ", known_hosts: "
         << (dir_ / "known_hosts").string() << ", state_dir: /root/.reconcile-state }\n"
         << "groups:\n  web: { hosts: [" << Address(1) << ", " << Address(2) << "], roles: [web] }\n"
         << "roles:\n  web:\n    steps:\n" << role
         << "policy: { interval: 2s, retries: 0 }\n";
    return text.str();
  }
  void WriteSpec() {
    std::ofstream(spec_ + ".tmp") << SpecText("      - name: mark\n"
                                              "        check: test -e /root/page.mark\n"
                                              "        run: test -e /root/page.allow && touch /root/page.mark\n");
    fs::rename(spec_ + ".tmp", spec_);
  }

  // `reconcile watch` on `source` (SPEC, or --git and its flags).
  void StartWatch(std::vector<std::string> source = {}) {
    if (source.empty()) source = {spec_};
    std::vector<std::string> args = {RECONCILE_BINARY, "watch"};
    args.insert(args.end(), source.begin(), source.end());
    for (const std::string& arg : {std::string("--lock-dir"), (dir_ / "locks").string(),
                                   std::string("--listen"), std::string("127.0.0.1:0")}) {
      args.push_back(arg);
    }
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      FILE* err = freopen((dir_ / "watch.log").c_str(), "w", stderr);
      (void)err;
      execv(RECONCILE_BINARY, argv.data());
      _exit(127);
    }
    port_ = ListenPortFromLog(dir_ / "watch.log");
  }

  // Waits until the newest pass has `result` (and is after pass `after`);
  // returns its number, or 0 after 90 s.
  int WaitForPass(const std::string& result, int after = 0) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(5);
    for (int i = 0; i < 900; ++i) {
      if (httplib::Result r = client.Get("/history.json"); r && r->status == 200) {
        const nlohmann::json history = nlohmann::json::parse(r->body);
        if (!history["passes"].empty() && history["passes"][0]["result"] == result &&
            history["passes"][0]["pass"].get<int>() > after) {
          return history["passes"][0]["pass"].get<int>();
        }
      }
      std::this_thread::sleep_for(100ms);
    }
    return 0;
  }

  bool WaitForRevision(const std::function<bool(const nlohmann::json&)>& done) {
    return ::reconcile::testing::WaitForRevision(port_, done, 90);
  }
  bool WaitForApplied(const std::string& commit) {
    return WaitForRevision([&](const nlohmann::json& r) { return r["applied"] == commit; });
  }

  // The page's DOM after its script has fetched and rendered.
  std::string BrowserDom() {
    const fs::path out = dir_ / "dom.html";
    const std::string command = std::string(kChromium) +
        " --headless --no-sandbox --disable-gpu --user-data-dir=" + (dir_ / "chromium").string() +
        " --virtual-time-budget=5000 --dump-dom http://127.0.0.1:" + std::to_string(port_) + "/ > " +
        out.string() + " 2>/dev/null";
    EXPECT_EQ(Shell(command), 0) << command;
    return Slurp(out);
  }

  // Saves the page as a PNG where $`variable` says, when it is set.
  void Screenshot(const char* variable) {
    const char* shot = std::getenv(variable);
    if (shot == nullptr) return;
    Shell(std::string(kChromium) + " --headless --no-sandbox --disable-gpu --user-data-dir=" +
          (dir_ / "chromium").string() + " --virtual-time-budget=5000 --window-size=1100,760" +
          " --screenshot=" + shot + " http://127.0.0.1:" + std::to_string(port_) + "/ 2>/dev/null");
  }

  // The <tr> of `node` in the nodes table, or "".
  static std::string RowOf(const std::string& dom, const std::string& node) {
    const size_t at = dom.find("<td>" + node + "</td>");
    if (at == std::string::npos) return "";
    const size_t begin = dom.rfind("<tr>", at), end = dom.find("</tr>", at);
    return dom.substr(begin, end - begin);
  }

  static inline std::string skip_reason_;
  static inline std::string setup_error_;
  fs::path dir_;
  std::string spec_;
  pid_t pid_ = -1;
  int port_ = 0;
};

TEST_F(StatusPageBrowser, ShowsANodeGoingFromDriftToConverged) {
  StartWatch();
  ASSERT_GT(port_, 0) << Slurp(dir_ / "watch.log");
  const int first = WaitForPass("converged");
  ASSERT_GT(first, 0) << Slurp(dir_ / "watch.log");
  std::string dom = BrowserDom();
  EXPECT_THAT(dom, HasSubstr("<span id=\"cluster\">page</span>"));
  EXPECT_THAT(dom, HasSubstr("<span id=\"overall\" class=\"converged\">converged</span>"));
  EXPECT_THAT(RowOf(dom, "page-web-1"), HasSubstr(Address(1)));
  EXPECT_THAT(dom, HasSubstr("<td colspan=\"9\">none since the cluster first converged</td>"));

  // Drift the role cannot repair yet: its mark is gone and so is what the
  // step needs, so each pass fails on this node.
  fs::remove(Home(1) / "page.mark");
  fs::remove(Home(1) / "page.allow");
  ASSERT_GT(WaitForPass("failed", first), 0) << Slurp(dir_ / "watch.log");
  dom = BrowserDom();
  EXPECT_THAT(dom, HasSubstr("<span id=\"overall\" class=\"drift\">not converged</span>"));
  EXPECT_THAT(RowOf(dom, "page-web-1"), HasSubstr("configure web: a check fails"));
  EXPECT_THAT(RowOf(dom, "page-web-2"), Not(HasSubstr("a check fails")));
  EXPECT_THAT(dom, HasSubstr("configure web page-web-1: failed"));

  // Repairable again: the next pass (after the failures' backoff) corrects it,
  // the one after sees it converged.
  std::ofstream(Home(1) / "page.allow");
  ASSERT_GT(WaitForPass("converged", first), 0) << Slurp(dir_ / "watch.log");
  dom = BrowserDom();
  EXPECT_THAT(dom, HasSubstr("<span id=\"overall\" class=\"converged\">converged</span>"));
  EXPECT_THAT(RowOf(dom, "page-web-1"), HasSubstr("<td class=\"converged\">converged</td>"));
  EXPECT_THAT(dom, HasSubstr("configure web page-web-1: succeeded"));
  EXPECT_THAT(dom, HasSubstr("<td>page-web-1</td><td>configure web</td><td>a check fails</td>"))
      << "the correction is in the drift history";
  EXPECT_THAT(dom, Not(HasSubstr("<td colspan=\"9\">none since the cluster first converged</td>")));
  Screenshot("RECONCILE_PAGE_SCREENSHOT");  // docs/images/status-page.png
}

// This test verifies watch --git end to end over real nodes: what a commit
// says is what the nodes hold once the page shows that commit applied; a
// commit that does not load changes nothing on them and the page names it
// refused; a revert puts the earlier content back.
TEST_F(StatusPageBrowser, NodesFollowTheCommitsOfAGitBranch) {
  ScratchRepo repo(dir_ / "repos");
  ASSERT_TRUE(repo.ok());
  auto commit = [&](const std::string& motd, const std::string& message) {
    repo.Write("clusters/page.yaml",
               SpecText("      - name: motd\n        files:\n          - path: /root/page.motd\n"
                        "            content: \"" + motd + "\\n\"\n"));
    const std::string id = repo.Commit(message);
    EXPECT_TRUE(repo.Push());
    return id;
  };
  auto nodes_hold = [&](const std::string& motd) {
    for (int k = 1; k <= 2; ++k) EXPECT_EQ(Slurp(Home(k) / "page.motd"), motd + "\n") << Name(k);
  };
  const std::string first = commit("first", "first motd");
  StartWatch({"--git", repo.origin().string(), "--path", "clusters/page.yaml", "--git-poll", "1s",
              "--state-dir", (dir_ / "state").string()});
  ASSERT_GT(port_, 0) << Slurp(dir_ / "watch.log");
  ASSERT_TRUE(WaitForApplied(first)) << Slurp(dir_ / "watch.log");
  nodes_hold("first");

  const std::string second = commit("second", "second motd");
  ASSERT_TRUE(WaitForApplied(second)) << Slurp(dir_ / "watch.log");
  nodes_hold("second");

  repo.Write("clusters/page.yaml", repo.Read("clusters/page.yaml") + "memroy: 1\n");
  const std::string bad = repo.Commit("a typo");
  ASSERT_TRUE(repo.Push());
  ASSERT_TRUE(WaitForRevision([&](const nlohmann::json& r) {
    return r["refused"].is_object() && r["refused"]["commit"] == bad;
  })) << Slurp(dir_ / "watch.log");
  nodes_hold("second");
  const std::string dom = BrowserDom();
  EXPECT_THAT(dom, HasSubstr("<span class=\"converged\">applied " + second.substr(0, 12) + "</span>"));
  EXPECT_THAT(dom, HasSubstr("seen " + bad.substr(0, 12)));
  EXPECT_THAT(dom, HasSubstr("refused " + bad.substr(0, 12) + ": "));
  EXPECT_THAT(dom, HasSubstr(bad.substr(0, 12) + ":clusters/page.yaml:")) << "located errors";
  Screenshot("RECONCILE_PAGE_GIT_SCREENSHOT");  // docs/images/status-page-git.png

  const std::string unbroken = repo.Revert(bad);
  ASSERT_TRUE(repo.Push());
  ASSERT_TRUE(WaitForApplied(unbroken)) << Slurp(dir_ / "watch.log");
  const std::string back = repo.Revert(second);
  ASSERT_FALSE(back.empty());
  ASSERT_TRUE(repo.Push());
  ASSERT_TRUE(WaitForApplied(back)) << Slurp(dir_ / "watch.log");
  nodes_hold("first");
}

}  // namespace
}  // namespace reconcile::testing
