// End to end, real: the machine model on generic Debian 12 disk images
// (tests/lab/build-debian-image.sh) booted under TCG on the lab's libvirtd,
// from the example spec specs/storage-machines.yaml adapted only to the lab
// (URI, network, pool, key, image path, one smaller node). Real cloud-init
// reads the seed's network-config (a DHCP NIC on the lab network, a static
// address on the cluster's own NAT network, which reconcile creates), a data
// disk shows up by its serial, and a grown root disk is filled by
// cloud-init's growpart at the next boot. The tests run in order on one lab:
//   apply from empty -> empty plan -> root disk grown, reboot -> destroy.
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "tests/e2e/lab_cluster.h"
#include "tests/lab/lab_fixture.h"

namespace reconcile::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kNode = "store-osd-1";
constexpr const char* kStorageAddress = "10.40.0.11";
constexpr uint64_t kGiB = uint64_t{1} << 30;

class MachinesE2eTest : public LabFixture {
 public:
  static void SetUpTestSuite() {
    LabFixture::SetUpTestSuite();
    if (!skip_reason_.empty() || !setup_error_.empty()) return;
    auto image = RunCommand("tests/lab/build-debian-image.sh 2>&1");
    if (image.exit_code != 0) {
      setup_error_ = "build-debian-image.sh failed:\n" + image.output;
      return;
    }
    image_ = LastLine(image.output) + "/debian-12.qcow2";
    work_ = StateDir() + "/machines";
    mkdir(work_.c_str(), 0700);
    setenv("RECONCILE_LOCK_DIR", (work_ + "/locks").c_str(), 1);
    key_ = work_ + "/id_ed25519";
    auto keygen = RunCommand("ssh-keygen -q -t ed25519 -N '' -C machines-operator -f " +
                             ShellQuote(key_) + " 2>&1");
    if (keygen.exit_code != 0) setup_error_ = "ssh-keygen failed: " + keygen.output;
    spec_path_ = work_ + "/storage.yaml";
  }

  static void TearDownTestSuite() {
    unsetenv("RECONCILE_LOCK_DIR");
    LabFixture::TearDownTestSuite();
  }

 protected:
  // specs/storage-machines.yaml with the lab's values and one small node
  // whose root disk is `disk_gib`.
  static void WriteSpec(int disk_gib) {
    std::ifstream in("specs/storage-machines.yaml");
    std::string yaml(std::istreambuf_iterator<char>(in), {});
    auto replace = [&](const std::string& from, const std::string& to) {
      const size_t at = yaml.find(from);
      ASSERT_NE(at, std::string::npos) << "specs/storage-machines.yaml lost: " << from;
      yaml.replace(at, from.size(), to);
    };
    replace("uri: qemu:///system", "uri: \"" + uri_ + "\"");
    replace("  network: default\n", "  network: rcl-lab\n");
    replace("      - default\n", "      - rcl-lab\n");
    replace("  pool: default\n", "  pool: rcl\n");
    replace("  become: true\n", "  become: true\n  identity: " + key_ + "\n  netns: rcl-lab\n");
    replace("source: /var/lib/reconcile/images/debian-12.qcow2", "source: " + image_);
    replace("count: 3", "count: 1");
    replace("cpus: 2", "cpus: 1");
    replace("memory: 2GiB", "memory: 1GiB");
    replace("disk: 8GiB", fmt::format("disk: {}GiB", disk_gib));
    replace("size: 20GiB", "size: 2GiB");
    std::ofstream(spec_path_) << yaml;
  }

  static drivers::Hypervisor& Libvirt() {
    static std::unique_ptr<drivers::Hypervisor> hv = LabDriver("store", uri_);
    return *hv;
  }

  static CommandResult SshTo(const std::string& command) {
    return SudoOverSsh(Libvirt(), kNamespace, "debian", key_, work_, kNode, command);
  }

  static CommandResult Virsh(const std::string& args) {
    return RunCommand("virsh -q -c " + ShellQuote(uri_) + " " + args + " 2>&1");
  }

  static uint64_t Number(const CommandResult& result) {
    return std::strtoull(result.output.c_str(), nullptr, 10);
  }

  static void Figure(const std::string& what, absl::Duration d) {
    std::printf("[ FIGURE   ] %s: %.1f s\n", what.c_str(), absl::ToDoubleSeconds(d));
    std::fflush(stdout);
  }

  static inline std::string work_, spec_path_, key_, image_;
  static inline bool applied_ = false;
};

// This test verifies that from nothing `reconcile apply` creates the
// cluster's storage network (NAT, autostart, the gateway on the host side)
// before the node, and that real cloud-init configured the node from the
// seed: the static address on its second NIC answers the host, and the data
// disk is there by its serial with its size.
TEST_F(MachinesE2eTest, ApplyCreatesTheNetworkThenANodeCloudInitConfigures) {
  WriteSpec(4);
  const absl::Time start = absl::Now();
  auto apply = Reconcile("apply " + ShellQuote(spec_path_));
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  Figure("empty to converged: network created, Debian guest booted and configured", absl::Now() - start);
  applied_ = true;
  EXPECT_LT(apply.output.find("network storage"), apply.output.find(std::string("create ") + kNode))
      << apply.output;

  EXPECT_THAT(Virsh("net-list --all").output,
              ::testing::ContainsRegex("storage +active +yes +yes"));
  EXPECT_THAT(Virsh("net-dumpxml storage").output, HasSubstr("<forward mode='nat'"));
  EXPECT_THAT(RunCommand(fmt::format("ip netns exec {} ip -4 -o addr", kNamespace)).output,
              HasSubstr("inet 10.40.0.1/24"));

  // The host reaches the node on the address cloud-init set from the seed:
  // its sshd answers there (bash's /dev/tcp: no ping in the lab's packages).
  auto banner = RunCommand(fmt::format(
      "ip netns exec {} timeout 10 bash -c 'exec 3<>/dev/tcp/{}/22; head -c 8 <&3' 2>&1",
      kNamespace, kStorageAddress));
  EXPECT_EQ(banner.output, "SSH-2.0-") << banner.output;
  EXPECT_THAT(SshTo("ip -4 -o addr show").output, HasSubstr(std::string(kStorageAddress) + "/24"));
  EXPECT_THAT(SshTo("cat /etc/network/interfaces.d/50-cloud-init").output,
              HasSubstr(kStorageAddress));

  EXPECT_EQ(Number(SshTo("lsblk -bdno SIZE /dev/disk/by-id/virtio-data")), 2 * kGiB);
}

// This test verifies that a plan of the converged machines has nothing to do.
TEST_F(MachinesE2eTest, SecondPlanIsEmpty) {
  ASSERT_TRUE(applied_);
  auto plan = Reconcile("plan --detailed-exitcode " + ShellQuote(spec_path_));
  EXPECT_EQ(plan.exit_code, 0) << plan.output;
}

// This test verifies that a larger root disk is an in-place update: the
// running guest sees the larger disk at once (nothing restarted, nothing
// replaced), and cloud-init's growpart fills it with the root filesystem at
// the next boot.
TEST_F(MachinesE2eTest, RootDiskGrowsInPlaceAndTheGuestFillsItAtNextBoot) {
  ASSERT_TRUE(applied_);
  const std::string boot_before = SshTo("cat /proc/sys/kernel/random/boot_id").output;
  const uint64_t root_before = Number(SshTo("findmnt -bno SIZE /"));
  ASSERT_GT(root_before, 3 * kGiB) << "growpart filled the 4 GiB overlay at first boot";
  ASSERT_LT(root_before, 4 * kGiB);

  WriteSpec(6);
  auto apply = Reconcile("apply " + ShellQuote(spec_path_));
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  EXPECT_THAT(apply.output, HasSubstr("update: root disk"));
  EXPECT_THAT(apply.output, Not(HasSubstr("(restart)")));
  EXPECT_THAT(apply.output, Not(HasSubstr("-/+")));
  EXPECT_EQ(SshTo("cat /proc/sys/kernel/random/boot_id").output, boot_before) << "not restarted";
  EXPECT_EQ(Number(SshTo("lsblk -bdno SIZE /dev/vda")), 6 * kGiB);

  const absl::Time start = absl::Now();
  ASSERT_EQ(Virsh(std::string("reboot ") + kNode).exit_code, 0);
  std::string boot_after = boot_before;
  const absl::Time deadline = absl::Now() + absl::Minutes(5);
  while (absl::Now() < deadline) {
    CommandResult read = SshTo("cat /proc/sys/kernel/random/boot_id");
    if (read.exit_code == 0 && !read.output.empty() && read.output != boot_before) {
      boot_after = read.output;
      break;
    }
    absl::SleepFor(absl::Seconds(3));
  }
  ASSERT_NE(boot_after, boot_before) << "the guest did not come back from its reboot";
  Figure("reboot of the grown guest until SSH answers", absl::Now() - start);
  const uint64_t root_after = Number(SshTo("findmnt -bno SIZE /"));
  EXPECT_GT(root_after, 5 * kGiB + kGiB / 2) << "growpart did not grow the root partition";
  EXPECT_LT(root_after, 6 * kGiB);
  // The seed's addresses survive the reboot.
  EXPECT_THAT(SshTo("ip -4 -o addr show").output, HasSubstr(std::string(kStorageAddress) + "/24"));
}

// This test verifies that `reconcile destroy` removes the node with its
// overlay, seed and data disk, and the network the cluster created, and
// leaves the lab's own network alone.
TEST_F(MachinesE2eTest, DestroyRemovesTheNodeItsDisksAndItsNetwork) {
  ASSERT_TRUE(applied_);
  auto destroy = Reconcile("destroy --yes " + ShellQuote(spec_path_));
  ASSERT_EQ(destroy.exit_code, 0) << destroy.output;
  EXPECT_THAT(destroy.output, HasSubstr("and 1 network it created"));
  EXPECT_THAT(Virsh("list --all --name").output, Not(HasSubstr(kNode)));
  EXPECT_THAT(Virsh("vol-list rcl").output, Not(HasSubstr(kNode)));
  const std::string networks = Virsh("net-list --all --name").output;
  EXPECT_THAT(networks, Not(HasSubstr("storage")));
  EXPECT_THAT(networks, HasSubstr("rcl-lab"));
}

}  // namespace
}  // namespace reconcile::testing
