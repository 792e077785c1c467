// This test verifies the name rules (DNS labels, host addresses, identifiers)
// and the edit distance behind did-you-mean suggestions.
#include "model/names.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::model {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;

TEST(DnsLabelTest, AcceptsLowerCaseLabelsUpTo63Characters) {
  EXPECT_THAT(DnsLabelProblem("web"), IsEmpty());
  EXPECT_THAT(DnsLabelProblem("k8s-control-plane"), IsEmpty());
  EXPECT_THAT(DnsLabelProblem("1a"), IsEmpty());
  EXPECT_THAT(DnsLabelProblem(std::string(63, 'a')), IsEmpty());
}

TEST(DnsLabelTest, ExplainsEachRejection) {
  EXPECT_THAT(DnsLabelProblem(""), HasSubstr("empty"));
  EXPECT_THAT(DnsLabelProblem(std::string(64, 'a')), HasSubstr("64 characters"));
  EXPECT_THAT(DnsLabelProblem("Web"), HasSubstr("lower-case"));
  EXPECT_THAT(DnsLabelProblem("web_1"), HasSubstr("lower-case"));
  EXPECT_THAT(DnsLabelProblem("web.1"), HasSubstr("lower-case"));
  EXPECT_THAT(DnsLabelProblem("-web"), HasSubstr("start or end"));
  EXPECT_THAT(DnsLabelProblem("web-"), HasSubstr("start or end"));
}

TEST(HostAddressTest, AcceptsAddressesAndHostNames) {
  EXPECT_TRUE(IsValidHostAddress("10.0.0.5"));
  EXPECT_TRUE(IsValidHostAddress("fd00::1"));
  EXPECT_TRUE(IsValidHostAddress("[fd00::1]"));
  EXPECT_TRUE(IsValidHostAddress("db1.example.internal"));
  EXPECT_TRUE(IsValidHostAddress("Node-7"));
}

TEST(HostAddressTest, RejectsMalformedAddresses) {
  EXPECT_FALSE(IsValidHostAddress(""));
  EXPECT_FALSE(IsValidHostAddress("10.0.0.300"));
  EXPECT_FALSE(IsValidHostAddress("bad_host"));
  EXPECT_FALSE(IsValidHostAddress("a..b"));
  EXPECT_FALSE(IsValidHostAddress("[10.0.0.1]"));
  EXPECT_FALSE(IsValidHostAddress("-lead.example"));
  EXPECT_FALSE(IsValidHostAddress(std::string(300, 'a')));
}

TEST(IdentifierTest, AllowsLettersDigitsUnderscoreAndDash) {
  EXPECT_TRUE(IsIdentifier("join_command"));
  EXPECT_TRUE(IsIdentifier("_x-1"));
  EXPECT_FALSE(IsIdentifier("1st"));
  EXPECT_FALSE(IsIdentifier("a.b"));
  EXPECT_FALSE(IsIdentifier(""));
}

TEST(EditDistanceTest, CountsEditsIncludingAdjacentSwaps) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("memory", "memory"), 0u);
  EXPECT_EQ(EditDistance("memroy", "memory"), 1u);  // swap
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("cpu", "cpus"), 1u);
}

TEST(ClosestMatchTest, SuggestsOnlyLikelyTypos) {
  const std::vector<std::string> keys = {"count", "image", "cpus", "memory", "disk"};
  EXPECT_THAT(ClosestMatch("memroy", keys), Optional(std::string("memory")));
  EXPECT_THAT(ClosestMatch("imgae", keys), Optional(std::string("image")));
  EXPECT_EQ(ClosestMatch("zzzzzzzz", keys), std::nullopt);
  EXPECT_EQ(ClosestMatch("disk", {"disk"}), std::nullopt);  // never the word itself
}

}  // namespace
}  // namespace reconcile::model
