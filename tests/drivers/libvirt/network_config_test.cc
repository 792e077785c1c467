// This test verifies the seed's network-config: nothing for the default NIC,
// otherwise cloud-init v2 with every NIC matched by MAC, DHCP or static with
// gateway and name servers, and that it lands in the seed ISO.
#include "drivers/libvirt/network_config.h"

#include "drivers/libvirt/nocloud_seed.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::drivers::libvirt {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(NetworkConfigTest, DefaultNicWritesNothing) { EXPECT_EQ(RenderNetworkConfig({}), ""); }

TEST(NetworkConfigTest, DhcpAndStaticNicsMatchedByMac) {
  const std::string config = RenderNetworkConfig(
      {{"52:54:00:00:00:01", {.network = "lab"}},
       {"52:54:00:00:00:02",
        {.network = "st", .address = "10.9.0.21/24", .gateway = "10.9.0.1", .dns = {"10.9.0.1", "9.9.9.9"}}},
       {"52:54:00:00:00:03", {.bridge = "br0", .address = "192.168.5.7/24"}}});
  EXPECT_EQ(config,
            "version: 2\n"
            "ethernets:\n"
            "  nic0:\n"
            "    match:\n"
            "      macaddress: \"52:54:00:00:00:01\"\n"
            "    dhcp4: true\n"
            "  nic1:\n"
            "    match:\n"
            "      macaddress: \"52:54:00:00:00:02\"\n"
            "    dhcp4: false\n"
            "    addresses:\n"
            "      - 10.9.0.21/24\n"
            "    routes:\n"
            "      - to: default\n"
            "        via: 10.9.0.1\n"
            "    nameservers:\n"
            "      addresses:\n"
            "        - 10.9.0.1\n"
            "        - 9.9.9.9\n"
            "  nic2:\n"
            "    match:\n"
            "      macaddress: \"52:54:00:00:00:03\"\n"
            "    dhcp4: false\n"
            "    addresses:\n"
            "      - 192.168.5.7/24\n");
}

TEST(NetworkConfigTest, SeedCarriesTheFileOnlyWhenThereIsOne) {
  absl::StatusOr<HostKey> key = GenerateHostKey();
  ASSERT_TRUE(key.ok());
  SeedIdentity identity{"id-1", "lab-w-1", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperatorKey op",
                        *key};
  absl::StatusOr<std::string> plain = BuildNoCloudSeed(identity);
  ASSERT_TRUE(plain.ok());
  EXPECT_THAT(*plain, Not(HasSubstr("macaddress")));
  identity.network_config = RenderNetworkConfig({{"52:54:00:00:00:01", {.network = "lab"}}});
  absl::StatusOr<std::string> with = BuildNoCloudSeed(identity);
  ASSERT_TRUE(with.ok());
  EXPECT_THAT(*with, HasSubstr("macaddress: \"52:54:00:00:00:01\""));
  // The Joliet directory record (UCS-2 big-endian) names the file as cloud-init reads it.
  std::string joliet;
  for (char c : std::string("network-config")) joliet += std::string(1, '\0') + c;
  EXPECT_THAT(*with, HasSubstr(joliet));
  EXPECT_THAT(*plain, Not(HasSubstr(joliet)));
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
