// End to end, real, for the nixos step kind: the `reconcile` binary applies a
// spec with a NixOS step to a QEMU (TCG) guest on the lab's private libvirtd
// (tests/lab/).
//
// PLAINLY: the lab guest is NOT NixOS. Its image (tests/lab/build-initramfs.sh)
// carries a STAND-IN `nixos-rebuild` (tests/lab/nixos-rebuild-standin.sh) that
// builds nothing and only records how it was called and the modules it saw,
// and a stand-in /etc/nixos/configuration.nix in the shape nixos-generate-config
// writes. What is real: the libvirtd, the guest, SSH, the uploads of the module
// and default.nix, the edit of configuration.nix by the guest's own tools, the
// probe re-checking digests, and the plan. Whether NixOS would build the
// module is not tested here.
//
// The tests run in order on one lab: apply (one rebuild, import added once),
// apply again (nothing to do, no second rebuild, import still once), then the
// module edited in the spec is planned as `configure` and re-applied.
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "drivers/libvirt/libvirt_hypervisor.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/lab_cluster.h"
#include "tests/lab/lab_fixture.h"

namespace reconcile::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kNode = "nx-os-1";

constexpr char kSpec[] = R"(cluster: nx
hypervisor: { uri: "@URI@", network: rcl-lab, pool: rcl }
ssh: { user: root, identity: @IDENTITY@, netns: rcl-lab, connect_timeout: 10s }
images:
  tiny:
    kernel: @IMAGE@/vmlinux
    initrd: @IMAGE@/initramfs.cpio.gz
    cmdline: console=ttyS0 panic=-1 quiet
groups:
  os: { count: 1, image: tiny, cpus: 1, memory: 256MiB, roles: [web] }
roles:
  web:
    steps:
      - name: site
        files: [{ path: /srv/www/index.html, content: "hello from {{ self.name }}\n" }]
      - name: os
        nixos: { module: web.nix }
policy: { parallel: 2, retries: 2 }
)";

class NixosE2eTest : public LabFixture {
 public:
  static void SetUpTestSuite() {
    LabFixture::SetUpTestSuite();
    if (!skip_reason_.empty() || !setup_error_.empty()) return;
    work_ = StateDir() + "/nixos";
    mkdir(work_.c_str(), 0700);
    setenv("RECONCILE_LOCK_DIR", (work_ + "/locks").c_str(), 1);
    identity_ = work_ + "/id_ed25519";
    auto keygen = RunCommand("ssh-keygen -q -t ed25519 -N '' -C nixos-e2e -f " +
                             ShellQuote(identity_) + " 2>&1");
    if (keygen.exit_code != 0) setup_error_ = "ssh-keygen failed: " + keygen.output;
    spec_path_ = work_ + "/nx.yaml";
    std::ofstream(spec_path_) << absl::StrReplaceAll(
        kSpec, {{"@URI@", uri_}, {"@IDENTITY@", identity_}, {"@IMAGE@", image_dir_}});
    WriteModule("enable = true");
  }

  static void TearDownTestSuite() {
    unsetenv("RECONCILE_LOCK_DIR");
    LabFixture::TearDownTestSuite();
  }

 protected:
  // The role's module beside the spec; `setting` varies between edits.
  static void WriteModule(const std::string& setting) {
    std::ofstream(work_ + "/web.nix")
        << "{ ... }:\n{\n  networking.hostName = \"{{ self.name }}\";\n"
        << "  services.nginx." << setting << ";\n}\n";
  }

  // `command` on the node over SSH from inside the lab namespace, trusting
  // only the host key recorded in its domain's metadata.
  static CommandResult SshToNode(const std::string& command) {
    static std::unique_ptr<drivers::Hypervisor> hv = LabDriver("nx", uri_);
    if (!hv) return {-1, "no libvirt connection"};
    absl::StatusOr<drivers::DomainInfo> info = hv->GetDomain(kNode);
    if (!info.ok() || !info->owner) return {-1, "not a managed domain"};
    absl::StatusOr<std::string> ip = hv->DiscoverAddress(kNode, absl::Seconds(120));
    if (!ip.ok()) return {-1, "no address: " + ip.status().ToString()};
    const std::string known = work_ + "/known_hosts";
    std::ofstream(known) << *ip << " " << info->owner->host_public_key << "\n";
    return RunCommand(fmt::format(
        "ip netns exec {} ssh -i {} -o BatchMode=yes -o StrictHostKeyChecking=yes -o "
        "ConnectTimeout=5 -o LogLevel=ERROR -o UserKnownHostsFile={} root@{} {} 2>&1",
        kNamespace, ShellQuote(identity_), ShellQuote(known), *ip, ShellQuote(command)));
  }

  static int Count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
  }

  // Lines of configuration.nix that import ./reconcile.
  static std::string ImportLines() {
    return SshToNode("grep -c '\\./reconcile' /etc/nixos/configuration.nix").output;
  }

  static void Figure(const std::string& what, absl::Duration d) {
    std::printf("[ FIGURE   ] %s: %.1f s\n", what.c_str(), absl::ToDoubleSeconds(d));
    std::fflush(stdout);
  }

  static inline std::string work_;
  static inline std::string spec_path_;
  static inline std::string identity_;
  static inline bool applied_ = false;
};

// This test verifies that apply places the rendered module and default.nix,
// adds ./reconcile to configuration.nix's imports, and calls (the stand-in)
// `nixos-rebuild switch` exactly once, seeing the rendered module.
TEST_F(NixosE2eTest, ApplyPlacesTheModuleAndRebuildsOnce) {
  const absl::Time start = absl::Now();
  auto apply = Reconcile("apply " + ShellQuote(spec_path_));
  Figure("apply from empty (1 node with a nixos step)", absl::Now() - start);
  ASSERT_EQ(apply.exit_code, 0) << apply.output;

  auto log = SshToNode("cat /var/log/nixos-rebuild.log");
  ASSERT_EQ(log.exit_code, 0) << log.output;
  EXPECT_EQ(Count(log.output, "call: "), 1) << log.output;
  EXPECT_THAT(log.output, HasSubstr("call: switch\nimports: 1\n"));
  EXPECT_THAT(log.output, HasSubstr("module: /etc/nixos/reconcile/web.nix\n"
                                    "| { ... }:\n| {\n|   networking.hostName = \"nx-os-1\";\n"
                                    "|   services.nginx.enable = true;\n| }\n"));
  EXPECT_EQ(ImportLines(), "1\n");
  auto files = SshToNode(
      "cat /srv/www/index.html && test -s /etc/nixos/reconcile/default.nix && "
      "cmp /etc/nixos/configuration.nix.before-reconcile /etc/nixos/configuration.nix; "
      "stat -c %a /etc/nixos/reconcile/web.nix");
  EXPECT_THAT(files.output, HasSubstr("hello from nx-os-1\n"));
  EXPECT_THAT(files.output, HasSubstr("differ")) << "the original is kept beside the edit";
  EXPECT_THAT(files.output, HasSubstr("644\n"));
  applied_ = !HasFailure();
}

// This test verifies that a second apply finds nothing to do: no second
// rebuild, and the import line is still there exactly once.
TEST_F(NixosE2eTest, SecondApplyDoesNothing) {
  ASSERT_TRUE(applied_) << "needs ApplyPlacesTheModuleAndRebuildsOnce";
  auto plan = Reconcile("plan --detailed-exitcode " + ShellQuote(spec_path_));
  EXPECT_EQ(plan.exit_code, 0) << plan.output;
  auto apply = Reconcile("apply " + ShellQuote(spec_path_));
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  auto log = SshToNode("cat /var/log/nixos-rebuild.log");
  EXPECT_EQ(Count(log.output, "call: "), 1) << log.output;
  EXPECT_EQ(ImportLines(), "1\n");
}

// This test verifies that editing the module in the spec is drift: the plan
// configures the node's role, and apply rebuilds with the new module while
// the import stays single.
TEST_F(NixosE2eTest, EditedModuleIsPlannedAsConfigureAndReapplied) {
  ASSERT_TRUE(applied_) << "needs ApplyPlacesTheModuleAndRebuildsOnce";
  WriteModule("enable = false");
  auto plan = Reconcile("plan --json " + ShellQuote(spec_path_));
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  nlohmann::json document = nlohmann::json::parse(plan.output.substr(plan.output.find('{')));
  ASSERT_EQ(document["actions"].size(), 1u) << plan.output;
  EXPECT_EQ(document["actions"][0]["kind"], "configure");
  EXPECT_EQ(document["actions"][0]["node"], kNode);
  EXPECT_EQ(document["actions"][0]["role"], "web");

  auto apply = Reconcile("apply " + ShellQuote(spec_path_));
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  auto log = SshToNode("cat /var/log/nixos-rebuild.log");
  EXPECT_EQ(Count(log.output, "call: "), 2) << log.output;
  EXPECT_THAT(log.output.substr(log.output.rfind("call: ")),
              HasSubstr("|   services.nginx.enable = false;\n"));
  EXPECT_EQ(ImportLines(), "1\n");
}

}  // namespace
}  // namespace reconcile::testing
