// This test verifies the pure parts of the networks a cluster creates: the
// UUID that marks a network as the cluster's (stable, distinct per cluster
// and name, a well-formed version 8 UUID), the network's XML, and reading a
// subnet back from either form libvirt writes.
#include "drivers/libvirt/network_xml.h"

#include <regex>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::drivers::libvirt {
namespace {

TEST(NetworkXmlTest, OwnershipUuidIsStableDistinctAndWellFormed) {
  const std::string uuid = OwnedNetworkUuid("lab", "storage");
  EXPECT_EQ(uuid, OwnedNetworkUuid("lab", "storage"));
  EXPECT_NE(uuid, OwnedNetworkUuid("lab2", "storage"));
  EXPECT_NE(uuid, OwnedNetworkUuid("lab", "storage2"));
  // The separator keeps ("a", "bc") and ("ab", "c") apart.
  EXPECT_NE(OwnedNetworkUuid("a", "bc"), OwnedNetworkUuid("ab", "c"));
  EXPECT_TRUE(std::regex_match(
      uuid, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << uuid;
}

TEST(NetworkXmlTest, NatNetworkHasGatewayAndDhcpOverTheUpperHalf) {
  const std::string xml = RenderOwnedNetworkXml({.name = "storage", .cidr = "10.78.0.0/24"}, "u-1");
  EXPECT_EQ(xml,
            "<network>\n"
            "  <name>storage</name>\n"
            "  <uuid>u-1</uuid>\n"
            "  <forward mode='nat'/>\n"
            "  <ip address='10.78.0.1' prefix='24'>\n"
            "    <dhcp>\n"
            "      <range start='10.78.0.128' end='10.78.0.254'/>\n"
            "    </dhcp>\n"
            "  </ip>\n"
            "</network>\n");
  EXPECT_EQ(NetworkSubnetOf(xml).value(), "10.78.0.0/24");
}

TEST(NetworkXmlTest, IsolatedNetworkHasNoForward) {
  const std::string xml =
      RenderOwnedNetworkXml({.name = "iso", .cidr = "10.80.0.0/16", .nat = false}, "u-2");
  EXPECT_THAT(xml, ::testing::Not(::testing::HasSubstr("<forward")));
  EXPECT_THAT(xml, ::testing::HasSubstr("<range start='10.80.128.0' end='10.80.255.254'/>"));
}

TEST(NetworkXmlTest, SubnetIsReadFromNetmaskOrPrefixAndIpv6IsSkipped) {
  EXPECT_EQ(NetworkSubnetOf("<network><name>a</name>"
                            "<ip family='ipv6' address='fd00::1' prefix='64'/>"
                            "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>")
                .value(),
            "192.168.122.0/24");
  EXPECT_EQ(NetworkSubnetOf("<network><name>b</name></network>").value(), "");
  EXPECT_FALSE(NetworkSubnetOf("<network>").ok());
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
