// This test verifies that sizes and durations parse with their documented
// units and that anything else is rejected with a message naming the input.
#include "model/units.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::model {
namespace {

using ::reconcile::testing::IsOkAndHolds;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseSizeTest, BinaryUnitsAndSingleLettersArePowersOf1024) {
  EXPECT_THAT(ParseSize("512MiB"), IsOkAndHolds(512ull << 20));
  EXPECT_THAT(ParseSize("4GiB"), IsOkAndHolds(4ull << 30));
  EXPECT_THAT(ParseSize("20G"), IsOkAndHolds(20ull << 30));
  EXPECT_THAT(ParseSize("1T"), IsOkAndHolds(1ull << 40));
  EXPECT_THAT(ParseSize("64K"), IsOkAndHolds(64ull << 10));
  EXPECT_THAT(ParseSize("100B"), IsOkAndHolds(100ull));
}

TEST(ParseSizeTest, DecimalUnitsArePowersOf1000) {
  EXPECT_THAT(ParseSize("20GB"), IsOkAndHolds(20'000'000'000ull));
  EXPECT_THAT(ParseSize("5MB"), IsOkAndHolds(5'000'000ull));
}

TEST(ParseSizeTest, RejectsMissingUnknownAndOverflowingInput) {
  EXPECT_THAT(ParseSize("4096"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has no unit")));
  EXPECT_THAT(ParseSize("4Gb"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown size unit 'Gb'")));
  EXPECT_THAT(ParseSize("GiB"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not a size")));
  EXPECT_THAT(ParseSize("-1GiB"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseSize("1.5GiB"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseSize("17179869184TiB"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("too large")));
  EXPECT_THAT(ParseSize("99999999999999999999999B"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FormatSizeTest, UsesTheLargestExactBinaryUnit) {
  EXPECT_EQ(FormatSize(4ull << 30), "4GiB");
  EXPECT_EQ(FormatSize(1536ull << 10), "1536KiB");
  EXPECT_EQ(FormatSize(1000), "1000B");
}

TEST(ParseDurationTest, AcceptsCompoundDurationsInDecreasingUnits) {
  EXPECT_THAT(ParseDuration("30s"), IsOkAndHolds(absl::Seconds(30)));
  EXPECT_THAT(ParseDuration("5m"), IsOkAndHolds(absl::Minutes(5)));
  EXPECT_THAT(ParseDuration("1h30m"), IsOkAndHolds(absl::Minutes(90)));
  EXPECT_THAT(ParseDuration("2m500ms"), IsOkAndHolds(absl::Milliseconds(120'500)));
  EXPECT_THAT(ParseDuration("500ms"), IsOkAndHolds(absl::Milliseconds(500)));
}

TEST(ParseDurationTest, RejectsWhatDoesNotParse) {
  EXPECT_THAT(ParseDuration("30"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no unit")));
  EXPECT_THAT(ParseDuration("5 minutes"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseDuration("30m1h"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("decreasing")));
  EXPECT_THAT(ParseDuration("1s1s"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseDuration(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseDuration("1d"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseDuration("99999999999h"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("too large")));
}

}  // namespace
}  // namespace reconcile::model
