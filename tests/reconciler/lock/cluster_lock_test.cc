// This test verifies that only one holder at a time gets a cluster's lock,
// whether the contender is another process or another open in this one; that
// a refusal names the holder; that the kernel frees the lock of a killed
// holder, so a leftover file never blocks; and that the RAII type releases
// exactly once, also after a move.
#include "reconciler/lock/cluster_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

LockHolder FixedHolder() {
  absl::Time since;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, "2026-11-29T16:30:00Z", &since, &error));
  return LockHolder{.pid = 4242, .host = "host1", .command = "reconcile watch specs/lab.yaml",
                    .since = since};
}

// A forked process that takes the lock and keeps it until released, killed or
// destroyed. Never outlives the test: the destructor kills and reaps it, and
// it exits by itself if the test process dies (its pipe closes).
class ChildHolder {
 public:
  ChildHolder(const std::string& cluster, const std::string& dir) {
    int ready[2], hold[2];
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(hold, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      close(ready[0]);
      close(hold[1]);
      absl::StatusOr<ClusterLock> lock = ClusterLock::Acquire(cluster, dir);
      const char result = lock.ok() ? 'L' : 'F';
      (void)!write(ready[1], &result, 1);
      char c;
      while (read(hold[0], &c, 1) < 0 && errno == EINTR) {}  // wait until told to go
      _exit(0);  // no gtest teardown, no static destructors in the child
    }
    close(ready[1]);
    close(hold[0]);
    hold_ = hold[1];
    char result = 0;
    if (pid_ > 0 && read(ready[0], &result, 1) == 1) locked_ = result == 'L';
    close(ready[0]);
  }
  ~ChildHolder() { Kill(); }

  bool locked() const { return locked_; }
  pid_t pid() const { return pid_; }

  // Lets the child exit normally (its lock goes with it) and reaps it.
  int ExitAndWait() {
    if (hold_ >= 0) close(hold_);
    hold_ = -1;
    return Reap();
  }
  // SIGKILL: no destructor runs in the child; only the kernel releases.
  void Kill() {
    if (pid_ > 0) kill(pid_, SIGKILL);
    Reap();
    if (hold_ >= 0) close(hold_);
    hold_ = -1;
  }

 private:
  int Reap() {
    if (pid_ <= 0) return -1;
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
    pid_ = -1;
    return status;
  }

  pid_t pid_ = -1;
  int hold_ = -1;
  bool locked_ = false;
};

class ClusterLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cluster-lock-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/locks";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::string root_;
  std::string dir_;
};

TEST_F(ClusterLockTest, SecondOpenInThisProcessIsRefusedNamingTheHolder) {
  absl::StatusOr<ClusterLock> first = ClusterLock::Acquire("lab", dir_, FixedHolder());
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->path(), dir_ + "/lab.lock");
  EXPECT_THAT(ClusterLock::Acquire("lab", dir_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "cluster 'lab' is locked by pid 4242 on host1 (reconcile watch "
                       "specs/lab.yaml) since 2026-11-29T16:30:00Z; lock file " +
                           dir_ + "/lab.lock"));
  // The refused attempt did not disturb the holder's record.
  EXPECT_EQ(ParseLockHolder(ReadFile(first->path())).pid, 4242);
}

TEST_F(ClusterLockTest, HolderIsWrittenAndClearedOnRelease) {
  const std::string path = dir_ + "/lab.lock";
  {
    absl::StatusOr<ClusterLock> lock = ClusterLock::Acquire("lab", dir_);
    ASSERT_THAT(lock, IsOk());
    const LockHolder holder = ParseLockHolder(ReadFile(path));
    EXPECT_EQ(holder.pid, getpid());
    EXPECT_THAT(holder.command, HasSubstr("cluster_lock_test"));
    struct stat st;
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(stat(dir_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
  }
  // The file stays (deleting it would race with contenders) but names nobody.
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(ReadFile(path), "");
  EXPECT_THAT(ClusterLock::Acquire("lab", dir_), IsOk());
}

TEST_F(ClusterLockTest, AnotherProcessIsRefusedWhileWeHoldIt) {
  absl::StatusOr<ClusterLock> lock = ClusterLock::Acquire("lab", dir_);
  ASSERT_THAT(lock, IsOk());
  ChildHolder child("lab", dir_);
  ASSERT_GT(child.pid(), 0);
  EXPECT_FALSE(child.locked());
  child.ExitAndWait();
}

TEST_F(ClusterLockTest, WeAreRefusedWhileAnotherProcessHoldsIt) {
  ChildHolder child("lab", dir_);
  ASSERT_TRUE(child.locked());
  EXPECT_THAT(ClusterLock::Acquire("lab", dir_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("cluster 'lab' is locked by pid " + std::to_string(child.pid()))));
  EXPECT_EQ(WEXITSTATUS(child.ExitAndWait()), 0);
  EXPECT_THAT(ClusterLock::Acquire("lab", dir_), IsOk());
}

TEST_F(ClusterLockTest, KilledHolderLeavesAStaleFileThatDoesNotBlock) {
  ChildHolder child("lab", dir_);
  ASSERT_TRUE(child.locked());
  const pid_t dead = child.pid();
  EXPECT_THAT(ClusterLock::Acquire("lab", dir_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(std::to_string(dead))));
  child.Kill();
  // The dead holder could not clean up: its name is still in the file...
  EXPECT_EQ(ParseLockHolder(ReadFile(dir_ + "/lab.lock")).pid, dead);
  // ...yet the kernel released its flock, so the lock is free.
  absl::StatusOr<ClusterLock> lock = ClusterLock::Acquire("lab", dir_);
  ASSERT_THAT(lock, IsOk());
  EXPECT_EQ(ParseLockHolder(ReadFile(lock->path())).pid, getpid());
}

TEST_F(ClusterLockTest, ClustersLockIndependently) {
  absl::StatusOr<ClusterLock> lab = ClusterLock::Acquire("lab", dir_);
  absl::StatusOr<ClusterLock> prod = ClusterLock::Acquire("prod", dir_);
  EXPECT_THAT(lab, IsOk());
  EXPECT_THAT(prod, IsOk());
}

TEST_F(ClusterLockTest, MovingKeepsTheLockAndReleasesOnce) {
  absl::StatusOr<ClusterLock> acquired = ClusterLock::Acquire("lab", dir_);
  ASSERT_THAT(acquired, IsOk());
  ClusterLock moved = *std::move(acquired);
  {
    ClusterLock inner = std::move(moved);
    EXPECT_TRUE(inner.held());
    EXPECT_FALSE(moved.held());  // NOLINT(bugprone-use-after-move): checking the moved-from state
    EXPECT_THAT(ClusterLock::Acquire("lab", dir_), StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  // `inner` released it; the moved-from objects release nothing.
  absl::StatusOr<ClusterLock> again = ClusterLock::Acquire("lab", dir_);
  ASSERT_THAT(again, IsOk());

  // Assigning over a held lock releases the old one first.
  absl::StatusOr<ClusterLock> other = ClusterLock::Acquire("prod", dir_);
  ASSERT_THAT(other, IsOk());
  *again = *std::move(other);
  EXPECT_THAT(ClusterLock::Acquire("lab", dir_), IsOk());
  EXPECT_THAT(ClusterLock::Acquire("prod", dir_), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ClusterLockTest, NamesThatAreNotOneFileNameAreRejected) {
  for (const char* name : {"", "a/b", "..", ".hidden", "../etc/passwd", "lab\nx"}) {
    EXPECT_THAT(ClusterLock::Acquire(name, dir_), StatusIs(absl::StatusCode::kInvalidArgument))
        << "name: " << name;
  }
  EXPECT_FALSE(std::filesystem::exists(root_ + "/etc"));
}

TEST_F(ClusterLockTest, SymlinkAtTheLockPathIsRefused) {
  ASSERT_EQ(mkdir(dir_.c_str(), 0700), 0);
  const std::string target = root_ + "/victim";
  std::ofstream(target) << "precious\n";
  std::filesystem::create_symlink(target, dir_ + "/lab.lock");
  EXPECT_THAT(ClusterLock::Acquire("lab", dir_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("symbolic link")));
  EXPECT_EQ(ReadFile(target), "precious\n");
}

TEST_F(ClusterLockTest, UnusableDirectoryIsAnError) {
  const std::string file = root_ + "/not-a-dir";
  std::ofstream(file) << "x";
  EXPECT_THAT(ClusterLock::Acquire("lab", file), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ClusterLockTest, EmptyDirectoryMeansTheDefault) {
  const char* old = getenv("RECONCILE_LOCK_DIR");
  const std::string saved = old ? old : "";
  setenv("RECONCILE_LOCK_DIR", dir_.c_str(), 1);
  absl::StatusOr<ClusterLock> lock = ClusterLock::Acquire("lab");
  if (old) {
    setenv("RECONCILE_LOCK_DIR", saved.c_str(), 1);
  } else {
    unsetenv("RECONCILE_LOCK_DIR");
  }
  ASSERT_THAT(lock, IsOk());
  EXPECT_EQ(lock->path(), dir_ + "/lab.lock");
}

}  // namespace
}  // namespace reconcile
