// This test verifies static NIC addresses: IPv4 parsing, the per-node address
// template (self.index and + only), ranges handed out in index order, and the
// problems reported for a NIC on its own.
#include "model/nic_address.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::model {
namespace {

using ::testing::HasSubstr;

NicSpec Address(std::string address) { return NicSpec{.network = "lab", .address = std::move(address)}; }
NicSpec Range(std::string range) { return NicSpec{.network = "lab", .range = std::move(range)}; }

TEST(NicAddressTest, ParsesDottedQuadsStrictly) {
  EXPECT_EQ(ParseIpv4("10.0.0.1"), 0x0a000001u);
  EXPECT_EQ(ParseIpv4("255.255.255.255"), 0xffffffffu);
  for (const char* bad : {"10.0.0", "10.0.0.256", "10.0.0.01", "10.0.0.-1", "a.b.c.d", "10..0.1",
                          "10.0.0.1 ", ""}) {
    EXPECT_FALSE(ParseIpv4(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatIpv4(0xc0a80a05u), "192.168.10.5");
  ASSERT_TRUE(ParseIpv4Cidr("10.0.0.7/24").has_value());
  EXPECT_TRUE(ParseIpv4Cidr("10.0.0.7/24")->Contains(*ParseIpv4("10.0.0.200")));
  EXPECT_FALSE(ParseIpv4Cidr("10.0.0.7/24")->Contains(*ParseIpv4("10.0.1.1")));
  EXPECT_FALSE(ParseIpv4Cidr("10.0.0.7/33").has_value());
  EXPECT_FALSE(ParseIpv4Cidr("10.0.0.7").has_value());
}

TEST(NicAddressTest, TemplateAddsTheIndex) {
  EXPECT_EQ(*StaticAddressFor(Address("10.0.0.{{ 10 + self.index }}/24"), 1), "10.0.0.11/24");
  EXPECT_EQ(*StaticAddressFor(Address("10.0.0.{{self.index+100}}/24"), 7), "10.0.0.107/24");
  EXPECT_EQ(*StaticAddressFor(Address("10.0.{{ self.index }}.1/16"), 3), "10.0.3.1/16");
  EXPECT_EQ(*StaticAddressFor(Address("10.0.0.9/24"), 4), "10.0.0.9/24");
  EXPECT_EQ(*StaticAddressFor(NicSpec{.network = "lab"}, 1), "");  // DHCP
}

TEST(NicAddressTest, TemplateRefusesWhatIsNotKnownBeforeTheNodeExists) {
  absl::StatusOr<std::string> name = StaticAddressFor(Address("10.0.0.{{ self.ip }}/24"), 1);
  EXPECT_THAT(name.status().message(), HasSubstr("only self.index, numbers and '+'"));
  EXPECT_FALSE(StaticAddressFor(Address("10.0.0.{{ 1 + self.index /24"), 1).ok());
  absl::StatusOr<std::string> overflow = StaticAddressFor(Address("10.0.0.{{ 250 + self.index }}/24"), 6);
  EXPECT_THAT(overflow.status().message(), HasSubstr("'10.0.0.256/24' (node 6) is not an IPv4"));
  absl::StatusOr<std::string> broadcast = StaticAddressFor(Address("10.0.0.{{ 254 + self.index }}/24"), 1);
  EXPECT_THAT(broadcast.status().message(), HasSubstr("network or broadcast address"));
}

TEST(NicAddressTest, RangeHandsOutInIndexOrderUntilItEnds) {
  const NicSpec nic = Range("10.0.0.10-10.0.0.12/24");
  EXPECT_EQ(*StaticAddressFor(nic, 1), "10.0.0.10/24");
  EXPECT_EQ(*StaticAddressFor(nic, 3), "10.0.0.12/24");
  EXPECT_THAT(StaticAddressFor(nic, 4).status().message(),
              HasSubstr("holds 3 addresses; node 4 needs one more"));
  EXPECT_EQ(*StaticAddressFor(Range("10.0.0.255-10.0.1.3/16"), 2), "10.0.1.0/16");  // crosses an octet
  EXPECT_THAT(StaticAddressFor(Range("10.0.0.20-10.0.0.10/24"), 1).status().message(),
              HasSubstr("must follow the first"));
  EXPECT_THAT(StaticAddressFor(Range("10.0.0.10-10.0.1.10/24"), 1).status().message(),
              HasSubstr("in the same /24"));
  EXPECT_THAT(StaticAddressFor(Range("10.0.0.10/24"), 1).status().message(),
              HasSubstr("FIRST-LAST/PREFIX"));
}

TEST(NicAddressTest, ProblemsOfOneNic) {
  NicSpec nic = Address("10.0.0.{{ 10 + self.index }}/24");
  EXPECT_EQ(NicProblem(nic), "");
  nic.gateway = "10.0.0.1";
  nic.dns = {"10.0.0.1", "9.9.9.9"};
  EXPECT_EQ(NicProblem(nic), "");
  nic.gateway = "10.0.9.1";
  EXPECT_EQ(NicProblem(nic), "gateway 10.0.9.1 is outside the subnet of 10.0.0.11/24");
  nic.gateway = "router";
  EXPECT_THAT(NicProblem(nic), HasSubstr("gateway 'router' is not an IPv4 address"));
  nic.gateway = "";
  nic.dns = {"dns.example"};
  EXPECT_THAT(NicProblem(nic), HasSubstr("dns server 'dns.example'"));
  EXPECT_THAT(NicProblem(NicSpec{.network = "lab", .gateway = "10.0.0.1"}),
              HasSubstr("need a static 'address' or 'range'"));
}

}  // namespace
}  // namespace reconcile::model
