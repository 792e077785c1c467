// This test verifies that a lock holder's identity survives the trip through
// the lock file, stays one field per line, and reads well in a refusal.
#include "reconciler/lock/lock_holder.h"

#include <unistd.h>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile {
namespace {

using ::testing::HasSubstr;

LockHolder Sample() {
  absl::Time since;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, "2026-11-29T16:30:00Z", &since, &error)) << error;
  return LockHolder{.pid = 4242, .host = "host1", .command = "reconcile watch specs/lab.yaml",
                    .since = since};
}

TEST(LockHolderTest, FormatsOneFieldPerLine) {
  EXPECT_EQ(FormatLockHolder(Sample()),
            "pid=4242\nhost=host1\ncommand=reconcile watch specs/lab.yaml\n"
            "since=2026-11-29T16:30:00Z\n");
}

TEST(LockHolderTest, ParsesWhatItFormats) {
  const LockHolder parsed = ParseLockHolder(FormatLockHolder(Sample()));
  EXPECT_EQ(parsed.pid, 4242);
  EXPECT_EQ(parsed.host, "host1");
  EXPECT_EQ(parsed.command, "reconcile watch specs/lab.yaml");
  EXPECT_EQ(parsed.since, Sample().since);
}

TEST(LockHolderTest, ControlCharactersCannotForgeFields) {
  LockHolder holder = Sample();
  holder.command = "reconcile apply x.yaml\npid=1\nhost=evil";
  const std::string text = FormatLockHolder(holder);
  const LockHolder parsed = ParseLockHolder(text);
  EXPECT_EQ(parsed.pid, 4242);
  EXPECT_EQ(parsed.host, "host1");
  EXPECT_EQ(parsed.command, "reconcile apply x.yaml pid=1 host=evil");
}

TEST(LockHolderTest, EmptyOrGarbledFileNamesNobody) {
  EXPECT_EQ(DescribeLockHolder(ParseLockHolder("")), "a holder that has not written its name yet");
  const LockHolder garbled = ParseLockHolder("pid=-3\nsince=yesterday\nnoise\n=\n");
  EXPECT_EQ(garbled.pid, 0);
  EXPECT_EQ(garbled.since, absl::UnixEpoch());
}

TEST(LockHolderTest, DescribesTheHolder) {
  EXPECT_EQ(DescribeLockHolder(Sample()),
            "pid 4242 on host1 (reconcile watch specs/lab.yaml) since 2026-11-29T16:30:00Z");
  EXPECT_EQ(DescribeLockHolder(LockHolder{.pid = 7}), "pid 7");
}

TEST(LockHolderTest, ThisProcessKnowsItself) {
  const LockHolder me = LockHolder::ThisProcess();
  EXPECT_EQ(me.pid, getpid());
  EXPECT_FALSE(me.host.empty());
  EXPECT_THAT(me.command, HasSubstr("lock_holder_test"));
  EXPECT_LT(absl::Now() - me.since, absl::Minutes(1));
}

}  // namespace
}  // namespace reconcile
