// Domain XML generation compared against golden files in golden/
// (tests/testing/golden.h: RECONCILE_UPDATE_GOLDEN=1 rewrites them).
#include "drivers/libvirt/domain_xml.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "drivers/libvirt/domain_parse.h"
#include "tests/testing/golden.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::libvirt {
namespace {

using ::reconcile::testing::ExpectMatchesGolden;
using ::reconcile::testing::IsOk;

Ownership SampleOwner() {
  return Ownership{"lab", "worker", 2, "9f2c4e1a", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample",
                   {{"default", "lab-worker-2-overlay.qcow2"}, {"default", "lab-worker-2-seed.iso"}},
                   "41d07c3b"};
}

DomainDefinition OverlayDefinition() {
  DomainDefinition def;
  def.domain_type = "kvm";
  def.cpu_mode = "host-passthrough";
  def.name = "lab-worker-2";
  def.vcpus = 2;
  def.memory_bytes = uint64_t{4} << 30;
  def.machine = "q35";
  def.root_disk = VolumeDisk{"default", "lab-worker-2-overlay.qcow2", "qcow2"};
  def.seed = VolumeDisk{"default", "lab-worker-2-seed.iso", "raw"};
  def.interfaces = {{"default", "", "52:54:00:12:34:56"}};
  def.owner = SampleOwner();
  return def;
}

// This test verifies that a disk-booted node's XML (overlay, seed, agent
// channel, metadata) is exactly the reviewed golden file.
TEST(DomainXmlTest, OverlayBootMatchesGolden) {
  ExpectMatchesGolden(RenderDomainXml(OverlayDefinition()),
                      "tests/drivers/libvirt/golden/overlay_boot.xml");
}

// This test verifies that a direct-kernel-boot node's XML (kernel, initrd,
// cmdline, console log, escaping of special characters) matches its golden file.
TEST(DomainXmlTest, DirectKernelBootMatchesGolden) {
  DomainDefinition def = OverlayDefinition();
  def.domain_type = "qemu";
  def.cpu_mode = "custom";
  def.cpu_model = "qemu64";
  def.uuid = "6f1c0a52-8d3e-4a43-9a55-1f6a3c2b7e10";
  def.root_disk.reset();
  def.kernel = "/images/vmlinux";
  def.initrd = "/images/initramfs.cpio.gz";
  def.cmdline = "console=ttyS0 quiet note=\"a&b<c>\"";
  def.console_log = "/var/log/reconcile/lab-worker-2.console.log";
  ExpectMatchesGolden(RenderDomainXml(def), "tests/drivers/libvirt/golden/direct_kernel.xml");
}

// This test verifies that the test driver's variant leaves out the QEMU-only
// devices the test driver cannot define.
TEST(DomainXmlTest, TestDriverVariantMatchesGolden) {
  DomainDefinition def = OverlayDefinition();
  def.domain_type = "test";
  def.cpu_mode = "";
  def.machine = "";
  ExpectMatchesGolden(RenderDomainXml(def), "tests/drivers/libvirt/golden/test_driver.xml");
}

// This test verifies a UEFI node with three NICs: OVMF chosen by libvirt
// without secure boot, and a network NIC, a second network and a host bridge
// in spec order, each with its MAC.
TEST(DomainXmlTest, UefiWithSeveralNicsMatchesGolden) {
  DomainDefinition def = OverlayDefinition();
  def.domain_type = "qemu";
  def.cpu_mode = "custom";
  def.cpu_model = "qemu64";
  def.uefi = true;
  def.interfaces = {{"default", "", "52:54:00:12:34:56"},
                    {"storage", "", "52:54:00:ab:cd:01"},
                    {"", "br0", "52:54:00:ab:cd:02"}};
  ExpectMatchesGolden(RenderDomainXml(def), "tests/drivers/libvirt/golden/uefi_three_nics.xml");
}

// This test verifies an aarch64 node: the arch and its machine type reach
// <os><type>.
TEST(DomainXmlTest, Aarch64MatchesGolden) {
  DomainDefinition def = OverlayDefinition();
  def.domain_type = "qemu";
  def.cpu_mode = "custom";
  def.cpu_model = "cortex-a57";
  def.arch = "aarch64";
  def.machine = "virt";
  def.uefi = true;
  ExpectMatchesGolden(RenderDomainXml(def), "tests/drivers/libvirt/golden/aarch64.xml");
}

// This test verifies that data disks follow the root and seed as vdc, vdd in
// order, each a qcow2 volume with its name as serial (escaped), and that
// they read back as the domain's disks.
TEST(DomainXmlTest, DataDisksMatchGolden) {
  DomainDefinition def = OverlayDefinition();
  def.data_disks = {{VolumeDisk{"default", "lab-worker-2-disk.data.qcow2", "qcow2"}, "data"},
                    {VolumeDisk{"fast&ssd", "lab-worker-2-disk.wal.qcow2", "qcow2"}, "wal"}};
  const std::string xml = RenderDomainXml(def);
  ExpectMatchesGolden(xml, "tests/drivers/libvirt/golden/data_disks.xml");
  absl::StatusOr<DomainInfo> info = ParseDomainXml(xml);
  ASSERT_THAT(info, IsOk());
  EXPECT_THAT(info->disks, ::testing::ElementsAre("default/lab-worker-2-overlay.qcow2",
                                                  "default/lab-worker-2-seed.iso",
                                                  "default/lab-worker-2-disk.data.qcow2",
                                                  "fast&ssd/lab-worker-2-disk.wal.qcow2"));
}

// This test verifies that what is rendered reads back: the parser recovers
// sizes, disks, MAC and the ownership record from the generated XML.
TEST(DomainXmlTest, RenderedXmlParsesBack) {
  absl::StatusOr<DomainInfo> info = ParseDomainXml(RenderDomainXml(OverlayDefinition()));
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->name, "lab-worker-2");
  EXPECT_EQ(info->vcpus, 2);
  EXPECT_EQ(info->memory_bytes, uint64_t{4} << 30);
  EXPECT_THAT(info->disks, ::testing::ElementsAre("default/lab-worker-2-overlay.qcow2",
                                                  "default/lab-worker-2-seed.iso"));
  EXPECT_THAT(info->macs, ::testing::ElementsAre("52:54:00:12:34:56"));
  ASSERT_TRUE(info->owner.has_value());
  DomainDefinition three = OverlayDefinition();
  three.interfaces.push_back({"", "br0", "52:54:00:ab:cd:02"});
  EXPECT_THAT(ParseDomainXml(RenderDomainXml(three))->macs,
              ::testing::ElementsAre("52:54:00:12:34:56", "52:54:00:ab:cd:02"));
  EXPECT_EQ(*info->owner, SampleOwner());
}

// This test verifies that a domain without our metadata namespace (or with a
// similar element in a foreign namespace) parses as unmanaged.
TEST(DomainXmlTest, ForeignMetadataIsUnmanaged) {
  const char* xml = R"(<domain type='kvm'><name>other</name><memory>1024</memory>
    <metadata><x:node xmlns:x="https://example.com/not-reconcile"><x:cluster>lab</x:cluster>
    </x:node></metadata><devices/></domain>)";
  absl::StatusOr<DomainInfo> info = ParseDomainXml(xml);
  ASSERT_THAT(info, IsOk());
  EXPECT_FALSE(info->managed());
  EXPECT_EQ(info->memory_bytes, 1024u * 1024u);
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
