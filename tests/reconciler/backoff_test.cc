#include "reconciler/backoff.h"

#include "gtest/gtest.h"

namespace reconcile {
namespace {

// This test verifies that delays double from `initial` and stop at `max`.
TEST(Backoff, DoublesUpToTheCap) {
  BackoffPolicy policy{.initial = absl::Seconds(1), .max = absl::Seconds(10), .jitter = 0};
  EXPECT_EQ(BackoffDelay(policy, 1, 0.5), absl::Seconds(1));
  EXPECT_EQ(BackoffDelay(policy, 2, 0.5), absl::Seconds(2));
  EXPECT_EQ(BackoffDelay(policy, 4, 0.5), absl::Seconds(8));
  EXPECT_EQ(BackoffDelay(policy, 5, 0.5), absl::Seconds(10));
  EXPECT_EQ(BackoffDelay(policy, 60, 0.5), absl::Seconds(10));
}

// This test verifies that jitter spreads the delay by at most its fraction.
TEST(Backoff, JitterStaysWithinItsFraction) {
  BackoffPolicy policy{.initial = absl::Seconds(10), .max = absl::Seconds(100), .jitter = 0.2};
  EXPECT_EQ(BackoffDelay(policy, 1, 0.0), absl::Seconds(8));
  EXPECT_EQ(BackoffDelay(policy, 1, 0.5), absl::Seconds(10));
  EXPECT_LT(BackoffDelay(policy, 1, 0.999), absl::Seconds(12));
  EXPECT_GT(BackoffDelay(policy, 1, 0.999), absl::Seconds(11.9));
}

// This test verifies which status codes are retried.
TEST(Backoff, OnlyTransientCodesAreRetryable) {
  EXPECT_TRUE(IsRetryable(absl::UnavailableError("daemon restarting")));
  EXPECT_TRUE(IsRetryable(absl::DeadlineExceededError("slow boot")));
  EXPECT_FALSE(IsRetryable(absl::InvalidArgumentError("bad spec")));
  EXPECT_FALSE(IsRetryable(absl::FailedPreconditionError("host key mismatch")));
  EXPECT_FALSE(IsRetryable(absl::UnauthenticatedError("key refused")));
  EXPECT_FALSE(IsRetryable(absl::OkStatus()));
}

}  // namespace
}  // namespace reconcile
