#include "base/status_macros.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::IsOkAndHolds;
using ::reconcile::testing::StatusIs;
using ::testing::Eq;
using ::testing::HasSubstr;

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return absl::InvalidArgumentError("odd");
  return n / 2;
}

absl::StatusOr<int> Quarter(int n, int* calls) {
  ++*calls;
  ASSIGN_OR_RETURN(int half, Half(n));
  ASSIGN_OR_RETURN(auto quarter, Half(half));
  return quarter;
}

absl::Status CheckEven(int n, int* evaluations) {
  RETURN_IF_ERROR(([&] {
    ++*evaluations;
    return Half(n);
  })());
  return absl::OkStatus();
}

// This test verifies that ASSIGN_OR_RETURN unwraps values and propagates the
// first error unchanged.
TEST(StatusMacros, AssignOrReturnPropagatesFirstError) {
  int calls = 0;
  EXPECT_THAT(Quarter(8, &calls), IsOkAndHolds(Eq(2)));
  EXPECT_THAT(Quarter(6, &calls), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("odd")));
  EXPECT_EQ(calls, 2);
}

// This test verifies that RETURN_IF_ERROR evaluates its argument exactly once.
TEST(StatusMacros, ReturnIfErrorEvaluatesOnce) {
  int evaluations = 0;
  EXPECT_THAT(CheckEven(4, &evaluations), IsOk());
  EXPECT_THAT(CheckEven(3, &evaluations), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(evaluations, 2);
}

// This test verifies that the matchers reject what they should.
TEST(StatusMatchers, RejectMismatches) {
  EXPECT_THAT(absl::NotFoundError("x"), ::testing::Not(IsOk()));
  EXPECT_THAT(Half(3), ::testing::Not(IsOkAndHolds(Eq(1))));
  EXPECT_THAT(Half(4), ::testing::Not(IsOkAndHolds(Eq(1))));
  EXPECT_THAT(absl::NotFoundError("x"), ::testing::Not(StatusIs(absl::StatusCode::kInternal)));
}

}  // namespace
}  // namespace reconcile
