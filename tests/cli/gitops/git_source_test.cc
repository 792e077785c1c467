// This test verifies the git source of `--git` on real repositories made in
// the test: the tip a fetch returns (new commits, a force-push, a deleted
// branch), that a commit's spec and the NixOS modules it names are read from
// that commit only (never from another commit or an uncommitted file), that
// its errors name the commit, and how https credentials and URLs are handled.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>
#include <vector>

#include "cli/cluster_session.h"
#include "cli/gitops/git_spec_source.h"
#include "cli/gitops/spec_from_git.h"
#include "drivers/git/git_credentials.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/git_repo.h"

namespace reconcile::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kSpec[] = R"(cluster: gitsrc
hypervisor: { uri: 'test:///default' }
images: { nixos: { disk: /var/lib/libvirt/images/nixos.qcow2 } }
groups:
  box: { count: 1, image: nixos, cpus: 1, memory: 512MiB, roles: [web] }
roles:
  web:
    steps:
      - name: web
        nixos: { module: modules/web.nix }
)";

class GitSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("reconcile-git-source-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    repo_ = std::make_unique<testing::ScratchRepo>(dir_ / "repos");
    ASSERT_TRUE(repo_->ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<GitSpecSource> Open() {
    absl::StatusOr<std::unique_ptr<GitSpecSource>> source = GitSpecSource::Open(
        {.repo = repo_->origin().string(), .branch = "main", .path = "clusters/lab.yaml",
         .state_dir = (dir_ / "state").string()});
    EXPECT_TRUE(source.ok()) << source.status();
    return source.ok() ? *std::move(source) : nullptr;
  }
  static SpecLoader Loader() {
    return [](const std::string& path, std::ostream& err) { return LoadDesired(path, "", err); };
  }
  std::string CommitSpec(const std::string& module_text, const std::string& message) {
    repo_->Write("clusters/lab.yaml", kSpec);
    repo_->Write("clusters/modules/web.nix", module_text);
    return repo_->Commit(message);
  }

  fs::path dir_;
  std::unique_ptr<testing::ScratchRepo> repo_;
};

// This test verifies that Fetch returns the branch's tip as the origin has it
// now: a new commit descends from the last, a force-push does not, and a
// deleted branch is reported, not replayed from the mirror.
TEST_F(GitSourceTest, FetchFollowsTheTipThroughAForcePushAndADeletion) {
  const std::string first = CommitSpec("{ }\n", "first");
  ASSERT_TRUE(repo_->Push());
  std::unique_ptr<GitSpecSource> source = Open();
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->Fetch().value_or(""), first);

  const std::string second = CommitSpec("{ services.nginx.enable = true; }\n", "second");
  ASSERT_TRUE(repo_->Push());
  ASSERT_EQ(source->Fetch().value_or(""), second);
  EXPECT_TRUE(source->mirror().Descends(second, first).value_or(false));
  EXPECT_EQ(source->Describe(second), second.substr(0, 12) + " (second)");

  ASSERT_TRUE(repo_->ResetHard(first));
  const std::string rewritten = CommitSpec("{ services.caddy.enable = true; }\n", "rewritten");
  ASSERT_TRUE(repo_->ForcePush());
  ASSERT_EQ(source->Fetch().value_or(""), rewritten);
  EXPECT_FALSE(source->mirror().Descends(rewritten, second).value_or(true));

  ASSERT_TRUE(repo_->DeleteBranchOnOrigin());
  absl::StatusOr<std::string> gone = source->Fetch();
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound) << gone.status();
  EXPECT_THAT(std::string(gone.status().message()), HasSubstr("has no branch 'main'"));
}

// This test verifies that a commit's spec reads the module of that commit,
// whatever later commits or the clone's uncommitted files say.
TEST_F(GitSourceTest, ASpecReadsTheModulesOfItsOwnCommitOnly) {
  const std::string first = CommitSpec("{ networking.hostName = \"one\"; }\n", "one");
  const std::string second = CommitSpec("{ networking.hostName = \"two\"; }\n", "two");
  ASSERT_TRUE(repo_->Push());
  repo_->Write("clusters/modules/web.nix", "{ networking.hostName = \"uncommitted\"; }\n");
  std::unique_ptr<GitSpecSource> source = Open();
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(source->Fetch().ok());
  for (const auto& [commit, name] : {std::pair{first, "one"}, std::pair{second, "two"}}) {
    absl::StatusOr<Desired> desired = LoadCommit(*source, commit, Loader());
    ASSERT_TRUE(desired.ok()) << desired.status();
    ASSERT_EQ(desired->spec.roles.size(), 1u);
    EXPECT_THAT(desired->spec.roles[0].steps[0].nixos->module, HasSubstr(name));
  }
}

// This test verifies that a commit whose spec names a module the commit does
// not hold is refused with errors located at "<commit>:<path>", even while
// the file exists, uncommitted, in the clone.
TEST_F(GitSourceTest, AnInvalidCommitIsRefusedWithErrorsNamingTheCommit) {
  repo_->Write("clusters/lab.yaml", std::string(kSpec) + "memroy: 1\n");
  const std::string bad = repo_->Commit("typo");
  ASSERT_TRUE(repo_->Push());
  repo_->Write("clusters/modules/web.nix", "{ }\n");  // never committed
  std::unique_ptr<GitSpecSource> source = Open();
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(source->Fetch().ok());
  absl::StatusOr<Desired> desired = LoadCommit(*source, bad, Loader());
  ASSERT_FALSE(desired.ok());
  const std::string errors(desired.status().message());
  EXPECT_THAT(errors, StartsWith(bad.substr(0, 12) + ":clusters/lab.yaml:"));
  EXPECT_THAT(errors, HasSubstr("unknown key 'memroy'"));
  EXPECT_THAT(errors, HasSubstr("nixos module: cannot read"));
  EXPECT_THAT(errors, ::testing::Not(HasSubstr((dir_ / "state").string())));
}

// This test verifies LoadFromGit's fallback for the watch: a bad tip is
// refused and the last commit that loaded is taken, and only when asked.
TEST_F(GitSourceTest, ABadTipFallsBackToTheLastGoodCommitOnlyForTheWatch) {
  const std::string good = CommitSpec("{ }\n", "good");
  ASSERT_TRUE(repo_->Push());
  GitSourceOptions options{.repo = repo_->origin().string(), .branch = "main",
                           .path = "clusters/lab.yaml", .state_dir = (dir_ / "state").string(),
                           .fall_back_to_last_good = true};
  std::ostringstream err;
  ASSERT_TRUE(LoadFromGit(options, Loader(), err).ok()) << err.str();
  repo_->Write("clusters/lab.yaml", "cluster: [\n");
  const std::string bad = repo_->Commit("broken");
  ASSERT_TRUE(repo_->Push());

  absl::StatusOr<GitSpec> watch = LoadFromGit(options, Loader(), err);
  ASSERT_TRUE(watch.ok()) << err.str();
  EXPECT_EQ(watch->revision.desired, good);
  EXPECT_EQ(watch->revision.seen, bad);
  EXPECT_EQ(watch->revision.refused, bad);
  EXPECT_THAT(err.str(), HasSubstr("refused commit " + bad.substr(0, 12) + " (broken)"));

  options.fall_back_to_last_good = false;  // plan, status
  EXPECT_FALSE(LoadFromGit(options, Loader(), err).ok());
}

// This test verifies that a watch pruning its written-out commits waits for
// a plan on the same state directory that is reading one: the plan's tree
// stays until the plan lets go of the state's lock.
TEST_F(GitSourceTest, APruneWaitsForAReaderOfTheSameState) {
  const std::string first = CommitSpec("{ }\n", "one");
  ASSERT_TRUE(repo_->Push());
  std::unique_ptr<GitSpecSource> watch = Open();
  std::unique_ptr<GitSpecSource> plan = Open();
  ASSERT_NE(watch, nullptr);
  ASSERT_NE(plan, nullptr);
  ASSERT_TRUE(plan->Fetch().ok());
  std::atomic<bool> pruned = false;
  std::thread pruner;
  {
    absl::StatusOr<StateLock> reading = plan->Lock();
    ASSERT_TRUE(reading.ok()) << reading.status();
    ASSERT_TRUE(plan->SpecOf(first).ok());
    pruner = std::thread([&] {
      watch->KeepOnly({});
      pruned = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(pruned) << "pruned while the plan held the lock";
    EXPECT_TRUE(fs::exists(plan->SpecPath(first)));
  }
  pruner.join();
  EXPECT_TRUE(pruned);
  EXPECT_FALSE(fs::exists(plan->SpecPath(first)));
}

// This test verifies that sources opened at once on a new state directory
// (a watch and a plan started together) all get a working mirror.
TEST_F(GitSourceTest, SourcesOpenedAtOnceOnANewStateShareOneMirror) {
  const std::string first = CommitSpec("{ }\n", "one");
  ASSERT_TRUE(repo_->Push());
  for (int round = 0; round < 5; ++round) {
    fs::remove_all(dir_ / "state");
    std::vector<std::string> tips(4);
    std::vector<std::thread> openers;
    for (std::string& tip : tips) {
      openers.emplace_back([&] {
        std::unique_ptr<GitSpecSource> source = Open();
        if (source != nullptr) tip = source->Fetch().value_or("fetch failed");
      });
    }
    for (std::thread& opener : openers) opener.join();
    for (const std::string& tip : tips) EXPECT_EQ(tip, first) << "round " << round;
  }
}

// This test verifies that a --git naming a local path that does not exist is
// reported as such, and which names are taken for local paths at all.
TEST_F(GitSourceTest, AMissingLocalRepositoryIsNamedNotTakenForAUrl) {
  const std::string missing = (dir_ / "no-such-repo").string();
  absl::StatusOr<std::unique_ptr<GitSpecSource>> source = GitSpecSource::Open(
      {.repo = missing, .branch = "main", .path = "clusters/lab.yaml",
       .state_dir = (dir_ / "state").string()});
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().message(), "--git: no repository at " + missing);

  EXPECT_TRUE(IsLocalPath("/srv/lab.git"));
  EXPECT_TRUE(IsLocalPath("lab"));
  EXPECT_TRUE(IsLocalPath("./dir:with/colon"));
  EXPECT_FALSE(IsLocalPath("git@git.example.com:team/lab.git"));
  EXPECT_FALSE(IsLocalPath("host:lab.git"));
  EXPECT_FALSE(IsLocalPath("https://git.example.com/lab.git"));
  EXPECT_FALSE(IsLocalPath("file:///srv/lab.git"));
}

TEST(GitCredentials, FindsTheStoredLineForTheUrlsSchemeHostAndPath) {
  const std::string store =
      "https://other:x@example.org\n"
      "https://ci:s%40cret@git.example.com/team\n"
      "https://fallback:y@git.example.com\n";
  auto found = drivers::git::FindStoredCredential(store, "https://git.example.com/team/lab.git");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->username, "ci");
  EXPECT_EQ(found->password, "s@cret");
  found = drivers::git::FindStoredCredential(store, "https://git.example.com/teamwork/lab.git");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->username, "fallback");
  EXPECT_FALSE(drivers::git::FindStoredCredential(store, "http://git.example.com/x").has_value());
  EXPECT_FALSE(drivers::git::FindStoredCredential(store, "https://git.example.net/x").has_value());
}

TEST(GitCredentials, UrlsAreShownWithoutTheirPassword) {
  EXPECT_EQ(drivers::git::UrlWithoutPassword("https://ci:token@git.example.com/lab.git"),
            "https://ci@git.example.com/lab.git");
  EXPECT_EQ(drivers::git::UrlWithoutPassword("ssh://git@host/lab.git"), "ssh://git@host/lab.git");
  EXPECT_EQ(drivers::git::UrlWithoutPassword("/srv/lab.git"), "/srv/lab.git");
  EXPECT_EQ(drivers::git::UrlWithoutPassword("https://host/a:b@c"), "https://host/a:b@c");

  const std::string url = "https://ci:s3cret@git.example.com/lab.git";
  EXPECT_EQ(drivers::git::TextWithoutUrlPassword(
                "failed to connect to " + url + " (ci:s3cret@git.example.com): refused", url),
            "failed to connect to https://ci@git.example.com/lab.git (ci@git.example.com): refused");
  EXPECT_EQ(drivers::git::TextWithoutUrlPassword("ci:x@ stays when the URL has none",
                                                 "https://ci@git.example.com/lab.git"),
            "ci:x@ stays when the URL has none");
}

}  // namespace
}  // namespace reconcile::cli
