#include "drivers/libvirt/mac.h"

#include <regex>
#include <set>

#include "gtest/gtest.h"

namespace reconcile::drivers::libvirt {
namespace {

// This test verifies that the MAC is stable for a node, has QEMU's prefix and
// the right shape, and depends on both the cluster and the node name.
TEST(MacTest, DeterministicPerClusterAndNode) {
  const std::string mac = DeterministicMac("lab", "lab-worker-1");
  EXPECT_EQ(mac, DeterministicMac("lab", "lab-worker-1"));
  EXPECT_TRUE(std::regex_match(mac, std::regex("52:54:00(:[0-9a-f]{2}){3}"))) << mac;
  EXPECT_NE(mac, DeterministicMac("lab", "lab-worker-2"));
  EXPECT_NE(mac, DeterministicMac("other", "lab-worker-1"));
  // The separator matters: ("ab", "c") and ("a", "bc") are different nodes.
  EXPECT_NE(DeterministicMac("ab", "c"), DeterministicMac("a", "bc"));
}

// This test verifies that a pinned value holds, so the hash cannot change silently
// between releases (a changed MAC would give every node a new lease).
TEST(MacTest, PinnedValue) {
  // Computed independently (FNV-1a 64 of "lab\0lab-worker-1", top 3 bytes).
  EXPECT_EQ(DeterministicMac("lab", "lab-worker-1"), "52:54:00:24:dd:c3");
}

// This test verifies that 300 nodes of one cluster get distinct addresses.
TEST(MacTest, FewCollisionsAcrossAGroup) {
  std::set<std::string> seen;
  for (int i = 1; i <= 300; ++i) seen.insert(DeterministicMac("lab", "lab-w-" + std::to_string(i)));
  EXPECT_EQ(seen.size(), 300u);
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
