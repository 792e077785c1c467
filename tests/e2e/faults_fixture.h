// Shared lab and checks for the fault-injection suites (faults_e2e_test.cc,
// kill_soak_test.cc): one private libvirtd with small QEMU guests of cluster
// "faults", a spec that carries secrets, an unmanaged domain and volume that
// must never change, and the invariants every fault is judged by: the CLI's
// output never shows a secret, the pool holds exactly what the managed
// domains' metadata lists (no orphan seed), every managed domain is one the
// spec wants and is complete, and the bystanders are untouched.
#pragma once

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "base/text.h"
#include "drivers/libvirt/libvirt_hypervisor.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "tests/e2e/lab_cluster.h"
#include "tests/lab/lab_fixture.h"

namespace reconcile::testing {

// What a faults spec looks like; every field changes what is desired.
struct FaultsSpec {
  std::string cluster = "faults";
  int nodes = 2;  // group "node", image tiny, roles base + peer
  int mute = 0;   // group "mute": an image that never configures its NIC
  std::string pool = "rcl";
  bool accept_unknown_host_keys = false;  // the visible trust-on-first-use opt-in
  int retries = 1;                        // policy.retries
};

class FaultsFixture : public LabFixture {
 public:
  static constexpr const char* kBystanderDomain = "bystander";
  static constexpr const char* kBystanderVolume = "bystander.raw";

  static void SetUpTestSuite() {
    LabFixture::SetUpTestSuite();
    if (!skip_reason_.empty() || !setup_error_.empty()) return;
    work_ = StateDir() + "/faults";
    mkdir(work_.c_str(), 0700);
    lock_dir_ = work_ + "/locks";
    setenv("RECONCILE_LOCK_DIR", lock_dir_.c_str(), 1);
    identity_ = work_ + "/id_ed25519";
    auto keygen = RunCommand("ssh-keygen -q -t ed25519 -N '' -C faults-operator -f " +
                             ShellQuote(identity_) + " 2>&1");
    if (keygen.exit_code != 0) setup_error_ = "ssh-keygen failed: " + keygen.output;
    private_key_ = ReadFile(identity_);
    // A bystander domain and volume: nothing this tool did not create may change.
    const std::string xml = work_ + "/bystander.xml";
    std::ofstream(xml) << "<domain type='qemu'><name>" << kBystanderDomain << "</name>"
                       << "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                       << "<os><type arch='x86_64'>hvm</type></os></domain>\n";
    auto define = Virsh("define " + ShellQuote(xml));
    auto volume = Virsh(std::string("vol-create-as rcl ") + kBystanderVolume + " 1M --format raw");
    if (define.exit_code != 0 || volume.exit_code != 0) {
      setup_error_ = "bystanders: " + define.output + volume.output;
    }
    bystander_xml_ = Virsh(std::string("dumpxml ") + kBystanderDomain).output;
    bystander_volume_xml_ = Virsh(std::string("vol-dumpxml --pool rcl ") + kBystanderVolume).output;
  }

  static void TearDownTestSuite() {
    unsetenv("RECONCILE_LOCK_DIR");
    LabFixture::TearDownTestSuite();
  }

 protected:
  // A value that must never be printed: a secret var used in a command and a file.
  static constexpr const char* kSecretVar = "s3cret-Fault-7d1f9a";

  static std::string SpecPath(const FaultsSpec& spec) {
    return fmt::format("{}/{}.yaml", work_, spec.cluster);
  }

  static std::string WriteSpec(const FaultsSpec& spec) {
    std::string yaml = R"yaml(cluster: @CLUSTER@
hypervisor:
  uri: "@URI@"
  network: rcl-lab
  pool: @POOL@
ssh:
  user: root
  identity: @IDENTITY@
  netns: rcl-lab
  connect_timeout: 5s
  accept_unknown_host_keys: @TOFU@
images:
  tiny:
    kernel: @IMAGE@/vmlinux
    initrd: @IMAGE@/initramfs.cpio.gz
    cmdline: console=ttyS0 panic=-1 quiet
  # Boots straight into busybox init: the NIC is never configured, no lease.
  mute:
    kernel: @IMAGE@/vmlinux
    initrd: @IMAGE@/initramfs.cpio.gz
    cmdline: console=ttyS0 panic=-1 quiet rdinit=/bin/init
groups:
  node: { count: @NODES@, image: tiny, cpus: 1, memory: 160MiB, roles: [base, peer] }
@MUTE@vars:
  token: { value: "@SECRET@", secret: true }
roles:
  base:
    steps:
      - name: mark
        files:
          - path: /etc/faults/token
            mode: "0600"
            content: "{{ vars.token }}\n"
        check: test -f /var/lib/faults/done
        # /tmp/slow (made by a test) keeps this step busy long enough to be hit.
        run: mkdir -p /var/lib/faults && touch /var/lib/faults/started && if [ -e /tmp/slow ]; then sleep 15; fi && test {{ vars.token }} = "$(cat /etc/faults/token)" && touch /var/lib/faults/done
    outputs:
      stamp:
        command: "test -s /var/lib/faults/stamp || head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \\n' > /var/lib/faults/stamp; cat /var/lib/faults/stamp"
        secret: true
  # The mute group's own role: no ordering ties it to the others.
  solo:
    steps:
      - name: hello
        check: test -f /var/lib/faults/solo
        run: mkdir -p /var/lib/faults && touch /var/lib/faults/solo
  peer:
    after: [base]
    steps:
      - name: stamp
        files:
          - path: /etc/faults/stamp
            mode: "0640"
            content: "{{ role.base.outputs.stamp }}\n"
policy:
  prune: true
  parallel: 4
  retries: @RETRIES@
  interval: 1m
)yaml";
    const std::string mute =
        spec.mute > 0
            ? fmt::format(
                  "  mute: {{ count: {}, image: mute, cpus: 1, memory: 128MiB, roles: [solo] }}\n",
                  spec.mute)
            : "";
    yaml = absl::StrReplaceAll(yaml, {{"@CLUSTER@", spec.cluster},
                                      {"@URI@", uri_},
                                      {"@POOL@", spec.pool},
                                      {"@IDENTITY@", identity_},
                                      {"@IMAGE@", image_dir_},
                                      {"@NODES@", std::to_string(spec.nodes)},
                                      {"@MUTE@", mute},
                                      {"@SECRET@", kSecretVar},
                                      {"@RETRIES@", std::to_string(spec.retries)},
                                      {"@TOFU@", spec.accept_unknown_host_keys ? "true" : "false"}});
    const std::string path = SpecPath(spec);
    std::ofstream(path) << yaml;
    return path;
  }

  static std::vector<std::string> NodeNames(const FaultsSpec& spec) {
    std::vector<std::string> names;
    for (int i = 1; i <= spec.nodes; ++i) {
      names.push_back(fmt::format("{}-node-{}", spec.cluster, i));
    }
    for (int i = 1; i <= spec.mute; ++i) {
      names.push_back(fmt::format("{}-mute-{}", spec.cluster, i));
    }
    return names;
  }

  static CommandResult Virsh(const std::string& args) {
    return RunCommand("virsh -q -c " + ShellQuote(uri_) + " " + args + " 2>&1");
  }

  // The CLI, with everything it prints checked for secrets. No call takes
  // more than a few tens of seconds here; five minutes means a hang.
  static CommandResult Cli(const std::string& args) {
    CommandResult result = ReconcileBounded(args, absl::Minutes(5));
    ExpectNoSecretIn(result.output, "reconcile " + args);
    return result;
  }

  // Secrets: the secret var, the secret role output (read from a node once
  // it exists), the operator's private key and any private key at all.
  static void ExpectNoSecretIn(const std::string& text, const std::string& what) {
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(kSecretVar))) << what;
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("PRIVATE KEY"))) << what;
    if (!stamp_.empty()) {
      EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(stamp_))) << what;
    }
    const std::string key_body = private_key_.size() > 120 ? private_key_.substr(40, 64) : "";
    if (!key_body.empty()) {
      EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(key_body))) << what;
    }
  }

  // The driver, to read domains' ownership metadata and addresses.
  static drivers::Hypervisor& Libvirt() {
    static std::unique_ptr<drivers::Hypervisor> hv = LabDriver("faults", uri_);
    return *hv;
  }

  // `command` on `node` from inside the lab namespace. The node must present
  // `host_key_line` (default: the key recorded in its domain's metadata).
  static CommandResult SshTo(const std::string& node, const std::string& command,
                             std::string host_key_line = "") {
    absl::StatusOr<drivers::DomainInfo> info = Libvirt().GetDomain(node);
    if (!info.ok() || !info->owner) return {-1, node + ": not a managed domain"};
    if (host_key_line.empty()) host_key_line = info->owner->host_public_key;
    absl::StatusOr<std::string> ip = Libvirt().DiscoverAddress(node, absl::Seconds(90));
    if (!ip.ok()) return {-1, node + ": no address: " + ip.status().ToString()};
    const std::string known = work_ + "/known_hosts-" + node;
    std::ofstream(known) << *ip << " " << host_key_line << "\n";
    return RunCommand(fmt::format(
        "ip netns exec {} ssh -i {} -o BatchMode=yes -o StrictHostKeyChecking=yes -o "
        "ConnectTimeout=5 -o ServerAliveInterval=5 -o ServerAliveCountMax=6 -o LogLevel=ERROR "
        "-o UserKnownHostsFile={} root@{} {} 2>&1",
        kNamespace, ShellQuote(identity_), ShellQuote(known), *ip, ShellQuote(command)));
  }

  // Every node is configured: both roles' marks, the same stamp everywhere.
  static void ExpectNodesConfigured(const std::vector<std::string>& nodes) {
    for (const std::string& node : nodes) {
      auto done = SshTo(node, "test -f /var/lib/faults/done && cat /etc/faults/stamp");
      EXPECT_EQ(done.exit_code, 0) << node << ": " << done.output;
      if (done.exit_code != 0) continue;
      const std::string stamp = Trimmed(done.output);
      EXPECT_EQ(stamp.size(), 24u) << node << " stamp " << stamp;
      if (stamp_.empty()) stamp_ = stamp;
      EXPECT_EQ(stamp, stamp_) << node;
    }
  }

  // The pool holds the bystander, base.qcow2 and exactly the volumes the
  // managed domains list; those are the spec's nodes, complete (all listed
  // volumes exist) and running.
  static void ExpectNoLeaks(const FaultsSpec& spec, const std::string& pool = "rcl",
                            std::vector<std::string> unmanaged = {}) {
    std::vector<std::string> expected = std::move(unmanaged);
    if (pool == "rcl") expected.insert(expected.end(), {"base.qcow2", kBystanderVolume});
    absl::StatusOr<std::vector<drivers::DomainInfo>> domains = Libvirt().ListDomains();
    ASSERT_TRUE(domains.ok()) << domains.status();
    std::set<std::string> managed;
    for (const drivers::DomainInfo& d : *domains) {
      if (!d.owner || d.owner->cluster != spec.cluster) continue;
      managed.insert(d.name);
      EXPECT_EQ(d.state, model::DomainState::kRunning) << d.name;
      for (const drivers::OwnedVolume& v : d.owner->volumes) {
        if (v.pool == pool) expected.push_back(v.name);
      }
    }
    const std::vector<std::string> wanted = NodeNames(spec);
    EXPECT_EQ(managed, std::set<std::string>(wanted.begin(), wanted.end()))
        << "managed domains of cluster " << spec.cluster;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(PoolVolumes(pool), expected) << "volumes of pool " << pool;
    ExpectBystandersUntouched();
  }

  static void ExpectBystandersUntouched() {
    EXPECT_EQ(Virsh(std::string("dumpxml ") + kBystanderDomain).output, bystander_xml_);
    EXPECT_EQ(Trimmed(Virsh(std::string("domstate ") + kBystanderDomain).output), "shut off");
    EXPECT_EQ(Virsh(std::string("vol-dumpxml --pool rcl ") + kBystanderVolume).output,
              bystander_volume_xml_);
  }

  static std::vector<std::string> PoolVolumes(const std::string& pool) {
    Virsh("pool-refresh " + pool);
    auto list = Virsh("vol-list " + pool);
    std::vector<std::string> names;
    for (std::string_view line : SplitNonEmpty(list.output, "\n")) {
      line = Strip(line);  // " name   path"
      names.emplace_back(line.substr(0, line.find(' ')));
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // `plan --detailed-exitcode` exits 0: nothing left to do.
  static void ExpectPlanEmpty(const FaultsSpec& spec) {
    auto plan = Cli("plan --detailed-exitcode " + ShellQuote(SpecPath(spec)));
    EXPECT_EQ(plan.exit_code, 0) << plan.output;
  }

  static void Figure(const std::string& what, const std::string& value) {
    std::printf("[ FIGURE   ] %s: %s\n", what.c_str(), value.c_str());
    std::fflush(stdout);
  }

  static inline std::string work_;
  static inline std::string lock_dir_;
  static inline std::string identity_;
  static inline std::string private_key_;
  static inline std::string stamp_;  // the secret role output, once seen
  static inline std::string bystander_xml_;
  static inline std::string bystander_volume_xml_;
};

}  // namespace reconcile::testing
