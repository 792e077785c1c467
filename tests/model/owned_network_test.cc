// This test verifies the addresses of a network the cluster creates: the
// gateway first, DHCP over the upper half, static addresses below it, the
// subnets accepted and the reasons others are not, and overlap between two.
#include "model/owned_network.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::model {
namespace {

using ::testing::HasSubstr;

TEST(OwnedNetworkTest, SlashTwentyFourSplitsIntoGatewayStaticAndDhcp) {
  std::optional<OwnedNetworkLayout> layout = LayoutOwnedNetwork("10.78.0.0/24");
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(FormatIpv4(layout->gateway), "10.78.0.1");
  EXPECT_EQ(FormatIpv4(layout->static_first), "10.78.0.2");
  EXPECT_EQ(FormatIpv4(layout->static_last), "10.78.0.127");
  EXPECT_EQ(FormatIpv4(layout->dhcp_first), "10.78.0.128");
  EXPECT_EQ(FormatIpv4(layout->dhcp_last), "10.78.0.254");  // .255 is the broadcast
}

TEST(OwnedNetworkTest, SmallestSubnetHasOneLeaseAndNoStaticRoom) {
  std::optional<OwnedNetworkLayout> layout = LayoutOwnedNetwork("192.168.5.4/30");
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(FormatIpv4(layout->gateway), "192.168.5.5");
  EXPECT_EQ(FormatIpv4(layout->dhcp_first), "192.168.5.6");
  EXPECT_EQ(FormatIpv4(layout->dhcp_last), "192.168.5.6");
  EXPECT_GT(layout->static_first, layout->static_last);
}

TEST(OwnedNetworkTest, BadSubnetsSayWhy) {
  EXPECT_EQ(OwnedNetworkCidrProblem("10.78.0.0/24"), "");
  EXPECT_THAT(OwnedNetworkCidrProblem("10.78.0.0"), HasSubstr("must be an IPv4 subnet"));
  EXPECT_THAT(OwnedNetworkCidrProblem("10.78.0.0/31"), HasSubstr("/8 to /30"));
  EXPECT_THAT(OwnedNetworkCidrProblem("10.0.0.0/7"), HasSubstr("/8 to /30"));
  EXPECT_THAT(OwnedNetworkCidrProblem("10.78.0.9/24"), HasSubstr("the subnet is 10.78.0.0/24"));
  for (const char* bad : {"10.78.0.0", "10.78.0.0/31", "10.78.0.9/24"}) {
    EXPECT_FALSE(LayoutOwnedNetwork(bad).has_value()) << bad;
  }
}

TEST(OwnedNetworkTest, OverlapIsAnySharedAddress) {
  auto cidr = [](const char* text) { return *ParseIpv4Cidr(text); };
  EXPECT_TRUE(SubnetsOverlap(cidr("10.78.0.0/24"), cidr("10.78.0.0/16")));
  EXPECT_TRUE(SubnetsOverlap(cidr("10.78.0.0/16"), cidr("10.78.200.0/24")));
  EXPECT_FALSE(SubnetsOverlap(cidr("10.78.0.0/24"), cidr("10.78.1.0/24")));
}

}  // namespace
}  // namespace reconcile::model
