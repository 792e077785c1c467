// End to end on a real libvirtd with QEMU (TCG): three seeded guests booted
// through the driver, reached over SSH with host keys verified against the
// keys recorded in their metadata, survived a daemon restart, shut down and
// deleted without leaving a domain, volume or seed behind.
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

#include "absl/time/clock.h"
#include "base/text.h"
#include "drivers/host_key.h"
#include "drivers/libvirt/libvirt_hypervisor.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "tests/lab/lab_fixture.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::libvirt {
namespace {

using ::reconcile::model::DomainState;
using ::reconcile::testing::IsOk;
using ::reconcile::testing::LabFixture;
using ::reconcile::testing::RunCommand;
using ::reconcile::testing::ShellQuote;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int kGuests = 3;

class LibvirtE2eTest : public LabFixture {
 protected:
  NodeRequest Request(int index, const std::string& authorized_key) {
    NodeRequest r;
    r.cluster = "e2e";
    r.node.name = fmt::format("e2e-node-{}", index);
    r.node.group = "node";
    r.node.index = index;
    r.node.cpus = 1;
    r.node.memory_bytes = uint64_t{256} << 20;
    r.node.disk_bytes = 0;  // the base image's own size
    r.node.image.name = "tiny";
    r.node.image.disk = StateDir() + "/pool/base.qcow2";
    r.node.image.kernel = image_dir_ + "/vmlinux";
    r.node.image.initrd = image_dir_ + "/initramfs.cpio.gz";
    r.node.image.cmdline = "console=ttyS0 panic=-1 quiet";
    r.node.image.seed = true;
    r.node.hardware_hash = "e2e-hw-1";
    r.hypervisor.uri = uri_;
    r.hypervisor.network = "rcl-lab";
    r.hypervisor.pool = "rcl";
    r.authorized_key = authorized_key;
    return r;
  }

  // `ssh root@ip <command>` from inside the lab namespace, trusting only the
  // host key in `known_hosts` (no trust on first use).
  ::reconcile::testing::CommandResult Ssh(const std::string& ip, const std::string& known_hosts,
                                          const std::string& command) {
    return RunCommand(fmt::format(
        "ip netns exec {} ssh -i {} -o BatchMode=yes -o StrictHostKeyChecking=yes -o "
        "ConnectTimeout=3 -o LogLevel=ERROR -o UserKnownHostsFile={} root@{} {} 2>&1",
        kNamespace, ShellQuote(key_path_), ShellQuote(known_hosts), ip, ShellQuote(command)));
  }

  std::string WriteKnownHosts(const std::string& name, const std::string& ip,
                              const std::string& public_key) {
    const std::string path = fmt::format("{}/known_hosts-{}", StateDir(), name);
    std::ofstream(path) << ip << " " << public_key << "\n";
    return path;
  }

  // Whether the lab hid /dev/kvm from its libvirtd (all but LAB_ACCEL=kvm:
  // tests/lab/libvirtd-launch.sh), so guests run under TCG.
  static bool LabForcesTcg() {
    const char* accel = std::getenv("LAB_ACCEL");
    return accel == nullptr || std::string(accel) != "kvm";
  }

  // A driver for cluster "e2e" on the lab.
  std::unique_ptr<Hypervisor> Driver(LibvirtOptions options = {}) {
    options.cluster = "e2e";
    options.uris = {uri_};
    absl::StatusOr<std::unique_ptr<Hypervisor>> made = MakeLibvirtHypervisor(options);
    EXPECT_THAT(made, IsOk());
    return made.ok() ? *std::move(made) : nullptr;
  }

  // A fresh operator key pair, its private half in key_path_ for Ssh().
  absl::StatusOr<HostKey> WriteOperatorKey() {
    absl::StatusOr<HostKey> key = GenerateHostKey();
    if (!key.ok()) return key;
    key_path_ = StateDir() + "/operator_ed25519";
    std::ofstream(key_path_) << key->private_openssh;
    chmod(key_path_.c_str(), 0600);
    return key;
  }

  std::string key_path_;
};

// This test verifies that three nodes live their whole life on real libvirt: created
// with overlay and seed, reachable over SSH with the seeded hostname and host
// key, manageable across a libvirtd restart, and gone without a trace after
// delete. It prints the time from creation to all three reachable.
TEST_F(LibvirtE2eTest, ThreeSeededGuestsOverVerifiedSshThenNothingLeft) {
  absl::StatusOr<HostKey> operator_key = WriteOperatorKey();
  ASSERT_THAT(operator_key, IsOk());

  LibvirtOptions options;
  options.cluster = "e2e";
  options.uris = {uri_};
  options.console_log_dir = StateDir() + "/logs";
  absl::StatusOr<std::unique_ptr<Hypervisor>> made = MakeLibvirtHypervisor(options);
  ASSERT_THAT(made, IsOk());
  Hypervisor& hv = **made;

  const absl::Time start = absl::Now();
  std::vector<std::string> names, host_keys;
  for (int i = 1; i <= kGuests; ++i) {
    absl::StatusOr<CreatedNode> created =
        hv.CreateNode(Request(i, operator_key->public_line + " e2e-operator"));
    ASSERT_THAT(created, IsOk());
    names.push_back(created->domain.name);
    host_keys.push_back(created->domain.owner->host_public_key);
    EXPECT_EQ(created->domain.state, DomainState::kRunning);
    EXPECT_THAT(created->domain.owner->volumes,
                ElementsAre(OwnedVolume{"rcl", names.back() + "-overlay.qcow2"},
                            OwnedVolume{"rcl", names.back() + "-seed.iso"}));
  }
  // The overlay is a real copy-on-write child of the base image.
  auto overlay = RunCommand("qemu-img info -U " + StateDir() + "/pool/e2e-node-1-overlay.qcow2");
  EXPECT_THAT(overlay.output, HasSubstr("backing file: " + StateDir() + "/pool/base.qcow2"));

  // Each node: address by lease, then SSH until the guest's dropbear answers.
  std::vector<std::string> ips(kGuests), hostnames(kGuests), errors(kGuests);
  std::vector<std::thread> waiters;
  for (int i = 0; i < kGuests; ++i) {
    waiters.emplace_back([&, i] {
      absl::StatusOr<std::string> ip = hv.DiscoverAddress(names[i], absl::Seconds(180));
      if (!ip.ok()) { errors[i] = ip.status().ToString(); return; }
      ips[i] = *ip;
      // Known hosts from the metadata libvirt holds, not from the create call.
      absl::StatusOr<DomainInfo> info = hv.GetDomain(names[i]);
      if (!info.ok()) { errors[i] = info.status().ToString(); return; }
      const std::string known = WriteKnownHosts(names[i], *ip, info->owner->host_public_key);
      const absl::Time deadline = absl::Now() + absl::Seconds(90);
      while (absl::Now() < deadline) {
        auto r = Ssh(*ip, known, "hostname");
        if (r.exit_code == 0) {
          hostnames[i] = std::string(Strip(r.output));
          return;
        }
        errors[i] = r.output;
        absl::SleepFor(absl::Milliseconds(500));
      }
    });
  }
  for (std::thread& t : waiters) t.join();
  const absl::Duration to_ssh = absl::Now() - start;
  for (int i = 0; i < kGuests; ++i) {
    EXPECT_EQ(hostnames[i], names[i]) << names[i] << " at " << ips[i] << ": " << errors[i]
        << "\nconsole: " << RunCommand("tail -n 20 " + StateDir() + "/logs/" + names[i] +
                                       ".console.log").output;
  }
  std::printf("[ FIGURE   ] %d guests: creation start to all reachable over SSH: %.1f s\n",
              kGuests, absl::ToDoubleSeconds(to_ssh));
  std::fflush(stdout);
  ASSERT_FALSE(HasFailure());

  // A node's key does not verify another node: host keys really are checked.
  const std::string wrong = WriteKnownHosts("wrong", ips[0], host_keys[1]);
  auto refused = Ssh(ips[0], wrong, "true");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.output, HasSubstr("REMOTE HOST IDENTIFICATION HAS CHANGED"));

  // The daemon restarts under the driver: the next calls reconnect.
  auto restart = Lab("restart-libvirtd.sh");
  ASSERT_EQ(restart.exit_code, 0) << restart.output;
  absl::StatusOr<std::vector<DomainInfo>> after_restart = hv.ListDomains();
  ASSERT_THAT(after_restart, IsOk());
  EXPECT_EQ(after_restart->size(), static_cast<size_t>(kGuests));

  // Graceful (ACPI) stops, except the last guest, which ignores the power
  // button (its acpid is killed) and must be forced off after the grace period.
  for (int i = 0; i < kGuests; ++i) {
    const bool deaf = i == kGuests - 1;
    if (deaf) {
      auto killed =
          Ssh(ips[i], fmt::format("{}/known_hosts-{}", StateDir(), names[i]), "killall acpid");
      ASSERT_EQ(killed.exit_code, 0) << killed.output;
    }
    const absl::Duration grace = deaf ? absl::Seconds(3) : absl::Seconds(30);
    const absl::Time t = absl::Now();
    EXPECT_THAT(hv.StopNode(names[i], grace), IsOk());
    const absl::Duration took = absl::Now() - t;
    EXPECT_EQ(hv.GetDomain(names[i])->state, DomainState::kShutOff);
    if (deaf) {
      EXPECT_GE(took, grace) << "a guest ignoring ACPI went off before the deadline";
    }
    if (!deaf) {
      EXPECT_LT(took, grace) << "ACPI shutdown did not work; the guest was forced off";
    }
    std::printf("[ FIGURE   ] %s %s in %.1f s\n", names[i].c_str(),
                deaf ? "forced off" : "shut down (ACPI)", absl::ToDoubleSeconds(took));
  }
  for (const std::string& name : names) EXPECT_THAT(hv.DeleteNode(name, {}), IsOk());

  EXPECT_THAT(*hv.ListDomains(), IsEmpty());
  const std::string uri = ShellQuote(uri_);
  auto volumes = RunCommand("virsh -q -c " + uri + " vol-list rcl | awk '{print $1}'");
  EXPECT_EQ(volumes.output, "base.qcow2\n");
  auto files = RunCommand("ls " + StateDir() + "/pool");
  EXPECT_EQ(files.output, "base.qcow2\n");
}

// This test verifies that the lab's libvirt runs guests under TCG with a named
// CPU model (the lab hides /dev/kvm, which may exist and not work), and that a
// guest that dies while booting ends address discovery at once with the tail
// of its console and QEMU logs instead of after the whole timeout.
TEST_F(LibvirtE2eTest, GuestThatDiesWhileBootingIsReportedAtOnceWithItsLogs) {
  LibvirtOptions options;
  options.console_log_dir = StateDir() + "/logs";
  options.qemu_log_dir = StateDir() + "/log/qemu";  // the daemon's /var/log/libvirt/qemu
  std::unique_ptr<Hypervisor> driver = Driver(options);
  ASSERT_NE(driver, nullptr);
  Hypervisor& hv = *driver;

  NodeRequest request = Request(7, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2e2e e2e");
  ASSERT_THAT(hv.CreateNode(request), IsOk());
  const std::string name = request.node.name;
  auto xml = RunCommand("virsh -q -c " + ShellQuote(uri_) + " dumpxml " + name);
  if (LabForcesTcg()) {  // TCG with a named model
    EXPECT_THAT(xml.output, HasSubstr("<domain type='qemu'"));
    EXPECT_THAT(xml.output, HasSubstr("<model fallback='forbid'>qemu64</model>"));
  }

  // Let the kernel print something, then kill the guest behind the driver.
  const std::string console = StateDir() + "/logs/" + name + ".console.log";
  for (int i = 0; i < 100 && RunCommand("test -s " + console).exit_code != 0; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(RunCommand("virsh -q -c " + ShellQuote(uri_) + " destroy " + name).exit_code, 0);
  const absl::Time start = absl::Now();
  absl::StatusOr<std::string> ip = hv.DiscoverAddress(name, absl::Seconds(180));
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(ip.status().code(), absl::StatusCode::kFailedPrecondition) << ip.status();
  EXPECT_THAT(ip.status().message(), HasSubstr("is shut off before it got an address"));
  EXPECT_THAT(ip.status().message(), HasSubstr("--- console (" + console));
  EXPECT_THAT(ip.status().message(), HasSubstr("--- QEMU log ("));
  EXPECT_LT(took, absl::Seconds(10));
  std::printf("[ FIGURE   ] dead guest reported after %.2f s (timeout 180 s)\n",
              absl::ToDoubleSeconds(took));
  EXPECT_THAT(hv.DeleteNode(name, {}), IsOk());
}

// This test verifies that CheckCreate on a real host names what a create
// would miss (a mistyped kernel path, a pool or network that does not exist,
// KVM asked for where it is hidden) and accepts a request that can succeed.
TEST_F(LibvirtE2eTest, CheckCreateNamesWhatACreateWouldMiss) {
  std::unique_ptr<Hypervisor> driver = Driver();
  ASSERT_NE(driver, nullptr);
  Hypervisor& hv = *driver;
  const std::string key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2e2e e2e";
  EXPECT_THAT(hv.CheckCreate(Request(8, key)), IsOk());

  NodeRequest typo = Request(8, key);
  typo.node.image.kernel = image_dir_ + "/vmlinux-typo";
  absl::Status status = hv.CheckCreate(typo);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr(image_dir_ + "/vmlinux-typo"));

  NodeRequest base = Request(8, key);
  base.node.image.disk = StateDir() + "/pool/no-such-base.qcow2";
  EXPECT_THAT(hv.CheckCreate(base).message(), HasSubstr("no-such-base.qcow2"));

  NodeRequest pool = Request(8, key);
  pool.hypervisor.pool = "no-such-pool";
  EXPECT_THAT(hv.CheckCreate(pool).message(), HasSubstr("storage pool \"no-such-pool\""));

  NodeRequest network = Request(8, key);
  network.hypervisor.network = "no-such-net";
  EXPECT_THAT(hv.CheckCreate(network).message(), HasSubstr("network \"no-such-net\""));

  NodeRequest second_nic = Request(8, key);
  second_nic.node.nics = {{.network = "rcl-lab"}, {.network = "no-such-net-2"}};
  EXPECT_THAT(hv.CheckCreate(second_nic).message(), HasSubstr("network \"no-such-net-2\""));

  NodeRequest bridge = Request(8, key);
  bridge.node.nics = {{.bridge = "br-no-such"}};
  EXPECT_THAT(hv.CheckCreate(bridge).message(), HasSubstr("bridge \"br-no-such\""));

  NodeRequest arm = Request(8, key);
  arm.node.arch = "aarch64";  // the lab installs no qemu-system-arm
  EXPECT_THAT(hv.CheckCreate(arm).message(), HasSubstr("no aarch64 guests"));

  if (LabForcesTcg()) {
    NodeRequest kvm = Request(8, key);
    kvm.hypervisor.domain_type = "kvm";
    EXPECT_THAT(hv.CheckCreate(kvm).message(), HasSubstr("does not offer KVM"));
  }
  // Nothing was created by any of it.
  EXPECT_THAT(*hv.ListDomains(), IsEmpty());
  EXPECT_EQ(RunCommand("ls " + StateDir() + "/pool").output, "base.qcow2\n");
}

// This test verifies `firmware: uefi`, a second NIC and a data disk on real
// QEMU: the guest boots through OVMF (it sees /sys/firmware/efi), has both
// NICs with their deterministic MACs and the disk as vdc with its name as
// serial and its size; the NVRAM file and the disk's volume exist while the
// node does and are deleted with it.
TEST_F(LibvirtE2eTest, UefiGuestWithTwoNicsAndADataDisk) {
  absl::StatusOr<HostKey> operator_key = WriteOperatorKey();
  ASSERT_THAT(operator_key, IsOk());
  LibvirtOptions options;
  options.console_log_dir = StateDir() + "/logs";
  std::unique_ptr<Hypervisor> driver = Driver(options);
  ASSERT_NE(driver, nullptr);
  Hypervisor& hv = *driver;
  NodeRequest request = Request(12, operator_key->public_line + " e2e-operator");
  request.node.firmware = "uefi";
  request.node.image.kernel = image_dir_ + "/vmlinuz";  // OVMF loads EFI-stub kernels only
  request.node.nics = {{.network = "rcl-lab"}, {.network = "rcl-lab"}};
  request.node.data_disks = {{.name = "data", .size_bytes = uint64_t{96} << 20}};
  absl::StatusOr<CreatedNode> created = hv.CreateNode(request);
  ASSERT_THAT(created, IsOk());
  ASSERT_EQ(created->domain.macs.size(), 2u);
  const std::string xml =
      RunCommand(fmt::format("virsh -c {} dumpxml {}", ShellQuote(uri_), request.node.name)).output;
  const size_t open = xml.find("<nvram");
  ASSERT_NE(open, std::string::npos) << xml;
  const size_t start = xml.find('>', open) + 1;
  // The lab's libvirtd sees $STATE/lib as /var/lib/libvirt (its own mount
  // namespace: tests/lab/libvirtd-launch.sh).
  std::string nvram = xml.substr(start, xml.find("</nvram>", start) - start);
  ASSERT_TRUE(nvram.starts_with("/var/lib/libvirt/")) << nvram;
  nvram = StateDir() + "/lib/" + nvram.substr(std::string("/var/lib/libvirt/").size());
  EXPECT_EQ(RunCommand("test -f " + ShellQuote(nvram)).exit_code, 0) << nvram;

  absl::StatusOr<std::string> ip = hv.DiscoverAddress(request.node.name, absl::Seconds(240));
  ASSERT_THAT(ip, IsOk()) << RunCommand("tail -n 30 " + StateDir() + "/logs/" + request.node.name +
                                        ".console.log").output;
  const std::string known = WriteKnownHosts(request.node.name, *ip, created->domain.owner->host_public_key);
  ::reconcile::testing::CommandResult seen;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(90); absl::Now() < deadline;
       absl::SleepFor(absl::Milliseconds(500))) {
    seen = Ssh(*ip, known,
               "test -d /sys/firmware/efi && echo efi; cat /sys/class/net/eth*/address; "
               "cat /sys/block/vdc/serial; echo; cat /sys/block/vdc/size");
    if (seen.exit_code == 0) break;
  }
  // The data disk: vdc, its serial the disk's name, 96 MiB in 512-byte sectors.
  EXPECT_EQ(seen.output, fmt::format("efi\n{}\n{}\ndata\n{}\n", created->domain.macs[0],
                                     created->domain.macs[1], (96 << 20) / 512));
  EXPECT_EQ(RunCommand("test -f " + StateDir() + "/pool/e2e-node-12-disk.data.qcow2").exit_code, 0);

  EXPECT_THAT(hv.DeleteNode(request.node.name, {}), IsOk());
  EXPECT_NE(RunCommand("test -e " + ShellQuote(nvram)).exit_code, 0) << nvram << " was left behind";
  EXPECT_EQ(RunCommand("ls " + StateDir() + "/pool").output, "base.qcow2\n");  // the data disk went too
}

// This test verifies that a larger disk grows a running node's overlay in
// place (virDomainBlockResize), with no restart, and records the new hash.
TEST_F(LibvirtE2eTest, LargerDiskGrowsTheRunningNodesOverlay) {
  std::unique_ptr<Hypervisor> driver = Driver();
  ASSERT_NE(driver, nullptr);
  Hypervisor& hv = *driver;
  NodeRequest request = Request(9, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2e2e e2e");
  request.node.disk_bytes = uint64_t{64} << 20;
  ASSERT_THAT(hv.CreateNode(request), IsOk());
  request.node.disk_bytes = uint64_t{128} << 20;
  request.node.hardware_hash = "e2e-hw-2";
  absl::StatusOr<UpdateEffect> effect = hv.UpdateNode(request);
  ASSERT_THAT(effect, IsOk());
  EXPECT_EQ(*effect, UpdateEffect::kApplied) << "growing a disk needs no restart";
  auto info = RunCommand("qemu-img info -U --output=json " + StateDir() +
                         "/pool/e2e-node-9-overlay.qcow2");
  EXPECT_THAT(info.output, HasSubstr("\"virtual-size\": 134217728"));
  EXPECT_EQ(hv.GetDomain(request.node.name)->owner->hardware_hash, "e2e-hw-2");
  EXPECT_EQ(hv.GetDomain(request.node.name)->state, DomainState::kRunning);
  EXPECT_THAT(hv.DeleteNode(request.node.name, {}), IsOk());
}

// This test verifies that an image `source` beside reconcile is uploaded into
// the pool once, as a volume named by its content that later nodes share; that
// a volume left beside an upload marker (an upload that died) is uploaded
// again rather than trusted; and that deleting the nodes keeps the shared volume.
TEST_F(LibvirtE2eTest, SourceImageIsUploadedOnceAndSharedByNodes) {
  std::unique_ptr<Hypervisor> driver = Driver();
  ASSERT_NE(driver, nullptr);
  Hypervisor& hv = *driver;
  const std::string source = StateDir() + "/source-image.qcow2";  // outside the pool
  ASSERT_EQ(RunCommand("qemu-img create -q -f qcow2 " + source + " 96M").exit_code, 0);
  const std::string sha = RunCommand("sha256sum " + source + " | cut -d' ' -f1").output;
  const std::string volume = "reconcile-image-" + sha.substr(0, 64) + ".qcow2";
  const std::string in_pool = StateDir() + "/pool/" + volume;
  auto request = [&](int index) {
    NodeRequest r = Request(index, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2e2e e2e");
    r.node.image.disk.clear();
    r.node.image.source = source;
    return r;
  };
  const std::string virsh = "virsh -q -c " + ShellQuote(uri_) + " ";

  ASSERT_THAT(hv.CheckCreate(request(10)), IsOk());
  ASSERT_THAT(hv.CreateNode(request(10)), IsOk());
  EXPECT_EQ(RunCommand("sha256sum < " + in_pool + " | cut -d' ' -f1").output, sha);
  EXPECT_THAT(RunCommand("qemu-img info -U " + StateDir() + "/pool/e2e-node-10-overlay.qcow2").output,
              AllOf(HasSubstr("backing file: " + in_pool), HasSubstr("virtual size: 96 MiB")));
  struct stat first {};
  ASSERT_EQ(::stat(in_pool.c_str(), &first), 0);
  ASSERT_THAT(hv.CreateNode(request(11)), IsOk());
  struct stat second {};
  ASSERT_EQ(::stat(in_pool.c_str(), &second), 0);
  EXPECT_EQ(second.st_ino, first.st_ino) << "the second node must reuse the upload";
  EXPECT_EQ(second.st_mtim.tv_nsec, first.st_mtim.tv_nsec);
  EXPECT_EQ(RunCommand("ls " + StateDir() + "/pool | grep -c '^reconcile-image-'").output, "1\n");

  // An upload that died: its marker is there and the volume holds garbage.
  ASSERT_EQ(RunCommand(virsh + "vol-create-as rcl " + volume + ".uploading 1").exit_code, 0);
  ASSERT_EQ(RunCommand("head -c 4096 /dev/urandom > " + in_pool).exit_code, 0);
  ASSERT_THAT(hv.CreateNode(request(12)), IsOk());
  EXPECT_EQ(RunCommand("sha256sum < " + in_pool + " | cut -d' ' -f1").output, sha);
  EXPECT_EQ(RunCommand("ls " + StateDir() + "/pool | grep -c 'uploading' || true").output, "0\n");

  for (int i : {10, 11, 12}) EXPECT_THAT(hv.DeleteNode(request(i).node.name, {}), IsOk());
  EXPECT_EQ(RunCommand("ls " + StateDir() + "/pool").output, "base.qcow2\n" + volume + "\n")
      << "node volumes go with their nodes; the shared image stays";

  NodeRequest missing = request(13);
  missing.node.image.source = StateDir() + "/no-such-source.qcow2";
  EXPECT_THAT(hv.CheckCreate(missing).message(), HasSubstr("no-such-source.qcow2"));
  EXPECT_EQ(RunCommand(virsh + "vol-delete --pool rcl " + volume).exit_code, 0);
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
