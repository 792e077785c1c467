// This test verifies GitMirror over real SSH: one sshd of tests/lab/fleet.sh
// (its own network namespace, reached on 10.219.1.1) serves a repository
// made in the test, as a git server would. A fetch authenticates with
// ~/.ssh/id_ed25519 and succeeds only when ~/.ssh/known_hosts holds the
// server's key: with no entry, or another key for that address, it fails and
// the mirror learns nothing.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "drivers/git/git_mirror.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/ci.h"
#include "tests/testing/git_repo.h"
#include "tests/testing/sshd_fleet.h"

namespace reconcile::drivers::git {
namespace {

namespace fs = std::filesystem;
using ::reconcile::testing::SshdFleet;

const SshdFleet kFleet("rcgs", "10.219");
const fs::path kDir = "/tmp/reconcile-git-over-ssh";

class GitOverSsh : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_reason_ = SshdFleet::CannotRun();
    if (!skip_reason_.empty()) {
      if (::reconcile::testing::InCi()) FAIL() << skip_reason_ << " and CI=true";
      return;
    }
    fs::remove_all(kDir);
    setup_error_ = kFleet.Up(1);
    if (!setup_error_.empty()) return;
    // libgit2 reads ~ once, when it starts: HOME is set before the first
    // mirror opens, and each test rewrites the files in it.
    fs::create_directories(kDir / "home/.ssh");
    fs::copy_file(kFleet.ClientKey(), kDir / "home/.ssh/id_ed25519");
    fs::permissions(kDir / "home/.ssh/id_ed25519", fs::perms::owner_read | fs::perms::owner_write);
    ::setenv("HOME", (kDir / "home").c_str(), 1);
    ::unsetenv("SSH_AUTH_SOCK");  // the key file, not an operator's agent
  }
  static void TearDownTestSuite() {
    if (skip_reason_.empty()) EXPECT_TRUE(kFleet.Down());
    fs::remove_all(kDir);
  }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    repo_ = std::make_unique<testing::ScratchRepo>(kDir / name);
    ASSERT_TRUE(repo_->ok());
    repo_->Write("clusters/lab.yaml", "cluster: lab\n");
    commit_ = repo_->Commit("the spec");
    ASSERT_TRUE(repo_->Push());
    mirror_dir_ = kDir / name / "mirror";
  }

  static void TrustHostKey(const std::string& key_line) {
    std::ofstream(kDir / "home/.ssh/known_hosts") << kFleet.Address(1) << " " << key_line << "\n";
  }
  absl::StatusOr<std::string> FetchFrom(const std::string& url) {
    absl::StatusOr<std::unique_ptr<GitMirror>> mirror = GitMirror::Open(url, mirror_dir_.string());
    if (!mirror.ok()) return mirror.status();
    return (*mirror)->Fetch("main");
  }
  bool MirrorHas(const std::string& commit) const {
    return SshdFleet::Shell("git --git-dir=" + mirror_dir_.string() + " cat-file -e " + commit) == 0;
  }
  std::string SshUrl() const { return "ssh://root@" + kFleet.Address(1) + repo_->origin().string(); }

  static inline std::string skip_reason_;
  static inline std::string setup_error_;
  std::unique_ptr<testing::ScratchRepo> repo_;
  std::string commit_;
  fs::path mirror_dir_;
};

TEST_F(GitOverSsh, FetchesTheTipFromAServerWhoseKeyIsKnown) {
  TrustHostKey(kFleet.HostKeyLine(1));
  absl::StatusOr<std::string> tip = FetchFrom(SshUrl());
  ASSERT_TRUE(tip.ok()) << tip.status();
  EXPECT_EQ(*tip, commit_);
  EXPECT_TRUE(MirrorHas(commit_));

  // git's scp-like form names the same repository.
  absl::StatusOr<std::string> again =
      FetchFrom("root@" + kFleet.Address(1) + ":" + repo_->origin().string());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, commit_);
}

TEST_F(GitOverSsh, RefusesAServerWhoseKeyIsUnknown) {
  fs::remove(kDir / "home/.ssh/known_hosts");
  absl::StatusOr<std::string> tip = FetchFrom(SshUrl());
  ASSERT_FALSE(tip.ok()) << "fetched " << *tip << " from a server nobody vouched for";
  EXPECT_THAT(tip.status().message(), ::testing::HasSubstr(".ssh/known_hosts: check the key"));
  EXPECT_FALSE(MirrorHas(commit_))
      << "the refused fetch brought the commit in anyway";
}

TEST_F(GitOverSsh, RefusesAServerWhoseKeyChanged) {
  // Another ed25519 key for the server's address: what a man in the middle
  // presents, seen from the other side.
  ASSERT_EQ(SshdFleet::Shell("ssh-keygen -q -t ed25519 -N '' -f " + (kDir / "other").string()), 0);
  TrustHostKey(SshdFleet::Slurp(kDir / "other.pub"));
  absl::StatusOr<std::string> tip = FetchFrom(SshUrl());
  ASSERT_FALSE(tip.ok()) << "fetched " << *tip << " from a server with another key";
  EXPECT_THAT(tip.status().message(), ::testing::HasSubstr(".ssh/known_hosts: check the key"));

  TrustHostKey(kFleet.HostKeyLine(1));  // the right key: the same mirror fetches
  tip = FetchFrom(SshUrl());
  ASSERT_TRUE(tip.ok()) << tip.status();
  EXPECT_EQ(*tip, commit_);
}

}  // namespace
}  // namespace reconcile::drivers::git
