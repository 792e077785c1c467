// This test verifies where lock files go by default and that the lock
// directory is created private, and refused when someone else owns it.
#include "reconciler/lock/lock_dir.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/ci.h"
#include "tests/testing/status_matchers.h"

namespace reconcile {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ChooseLockDirTest, FollowsTheOrderOfPreference) {
  EXPECT_EQ(ChooseLockDir({.reconcile_lock_dir = "/srv/locks", .xdg_runtime_dir = "/run/user/1000",
                           .uid = 1000, .run_lock_usable = true}),
            "/srv/locks");
  EXPECT_EQ(ChooseLockDir({.xdg_runtime_dir = "/run/user/1000", .uid = 1000,
                           .run_lock_usable = true}),
            "/run/lock/reconcile");
  EXPECT_EQ(ChooseLockDir({.xdg_runtime_dir = "/run/user/1000", .uid = 1000}),
            "/run/user/1000/reconcile");
  EXPECT_EQ(ChooseLockDir({.uid = 1000}), "/tmp/reconcile-1000");
}

TEST(DefaultLockDirTest, HonoursReconcileLockDir) {
  const char* old = getenv("RECONCILE_LOCK_DIR");
  const std::string saved = old ? old : "";
  setenv("RECONCILE_LOCK_DIR", "/some/where", 1);
  EXPECT_EQ(DefaultLockDir(), "/some/where");
  if (old) {
    setenv("RECONCILE_LOCK_DIR", saved.c_str(), 1);
  } else {
    unsetenv("RECONCILE_LOCK_DIR");
  }
}

class EnsureLockDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lock-dir-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string root_;
};

TEST_F(EnsureLockDirTest, CreatesAMissingDirectoryPrivate) {
  const std::string dir = root_ + "/locks";
  ASSERT_THAT(EnsureLockDir(dir), IsOk());
  struct stat st;
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_THAT(EnsureLockDir(dir), IsOk());  // a second time is fine
}

// A missing parent is more likely a typo than a tree to make: refused,
// named, and nothing created.
TEST_F(EnsureLockDirTest, RefusesAMissingParent) {
  const std::string dir = root_ + "/a/b/locks";
  EXPECT_THAT(EnsureLockDir(dir),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("its parent " + root_ + "/a/b does not exist")));
  struct stat st;
  EXPECT_NE(stat((root_ + "/a").c_str(), &st), 0);
}

TEST_F(EnsureLockDirTest, RefusesAFile) {
  const std::string path = root_ + "/file";
  std::ofstream(path) << "x";
  EXPECT_THAT(EnsureLockDir(path),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not a directory")));
}

TEST_F(EnsureLockDirTest, RefusesADirectoryAnotherUserOwns) {
  if (geteuid() != 0) {
    if (::reconcile::testing::InCi()) {
      FAIL() << "CI must run this as root: it chowns a directory to another user";
    }
    GTEST_SKIP() << "needs root to give a directory to another user";
  }
  const std::string dir = root_ + "/planted";
  ASSERT_EQ(mkdir(dir.c_str(), 0777), 0);
  ASSERT_EQ(chown(dir.c_str(), 65534, 65534), 0);
  EXPECT_THAT(EnsureLockDir(dir),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("belongs to uid 65534")));
}

}  // namespace
}  // namespace reconcile
