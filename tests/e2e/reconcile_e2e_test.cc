// End to end, real: the `reconcile` binary converges a 3-node cluster of QEMU
// (TCG) guests on the lab's private libvirtd (tests/lab/), where a member
// role's file carries an output of the leader's role. Then: a no-op plan,
// drift corrected by `watch` (a file edited, a domain deleted, another
// stopped) while it holds the lock, a scale-down with prune, and an unmanaged
// domain in the same libvirt left alone throughout; `reconcile ssh`,
// `known-hosts` and `console` on the guests, and `destroy` at the end. The
// tests run in order on one lab and print the time to converge from empty and
// of a no-op pass.
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

#include "absl/time/clock.h"
#include "base/text.h"
#include "drivers/libvirt/libvirt_hypervisor.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "tests/e2e/lab_cluster.h"
#include "tests/lab/lab_fixture.h"
#include "tests/testing/pty_process.h"

namespace reconcile::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kLeader = "e2e-leader-1";
constexpr const char* kMember1 = "e2e-member-1";
constexpr const char* kMember2 = "e2e-member-2";
constexpr const char* kOutsider = "outsider";

class ReconcileE2eTest : public LabFixture {
 public:
  static void SetUpTestSuite() {
    LabFixture::SetUpTestSuite();
    if (!skip_reason_.empty() || !setup_error_.empty()) return;
    work_ = StateDir() + "/e2e";
    mkdir(work_.c_str(), 0700);
    // Locks live in the lab, not in the machine's default lock directory.
    setenv("RECONCILE_LOCK_DIR", (work_ + "/locks").c_str(), 1);
    const std::string key = work_ + "/id_ed25519";
    auto keygen = RunCommand("ssh-keygen -q -t ed25519 -N '' -C e2e-operator -f " +
                             ShellQuote(key) + " 2>&1");
    if (keygen.exit_code != 0) setup_error_ = "ssh-keygen failed: " + keygen.output;
    lab_ = LabValues{.uri = uri_, .image_dir = image_dir_, .identity = key};
    spec_path_ = work_ + "/lab.yaml";
  }

  static void TearDownTestSuite() {
    unsetenv("RECONCILE_LOCK_DIR");
    LabFixture::TearDownTestSuite();
  }

 protected:
  static void WriteSpec(int members) {
    std::ofstream(spec_path_) << LabSpecYaml(lab_, members);
  }

  static CommandResult Virsh(const std::string& args) {
    return RunCommand("virsh -q -c " + ShellQuote(uri_) + " " + args + " 2>&1");
  }

  // The driver reads ownership metadata (host keys, volumes) and addresses.
  static drivers::Hypervisor& Libvirt() {
    static std::unique_ptr<drivers::Hypervisor> hv = LabDriver("e2e", uri_);
    return *hv;
  }

  // `command` on `node` over SSH from inside the lab namespace, trusting only
  // the host key recorded in the node's domain metadata.
  static CommandResult SshTo(const std::string& node, const std::string& command) {
    absl::StatusOr<drivers::DomainInfo> info = Libvirt().GetDomain(node);
    if (!info.ok() || !info->owner) return {-1, node + ": not a managed domain"};
    absl::StatusOr<std::string> ip = Libvirt().DiscoverAddress(node, absl::Seconds(120));
    if (!ip.ok()) return {-1, node + ": no address: " + ip.status().ToString()};
    const std::string known = work_ + "/known_hosts-" + node;
    std::ofstream(known) << *ip << " " << info->owner->host_public_key << "\n";
    return RunCommand(fmt::format(
        "ip netns exec {} ssh -i {} -o BatchMode=yes -o StrictHostKeyChecking=yes -o "
        "ConnectTimeout=5 -o LogLevel=ERROR -o UserKnownHostsFile={} root@{} {} 2>&1",
        kNamespace, ShellQuote(lab_.identity), ShellQuote(known), *ip, ShellQuote(command)));
  }

  // Asserts every node of the cluster is configured: the leader has a token
  // and each member's file carries exactly that token; every role's hash is
  // recorded. Returns the leader's token.
  static std::string ExpectConverged(const std::vector<std::string>& members) {
    auto leader = SshTo(kLeader, "cat /var/lib/lab/token && test -s /var/lib/reconcile/roles/leader.hash");
    EXPECT_EQ(leader.exit_code, 0) << leader.output;
    const std::string token = leader.output;
    EXPECT_EQ(token.size(), 32u) << "token: " << token;
    for (const std::string& member : members) {
      auto file = SshTo(member, "cat /etc/lab/token");
      EXPECT_EQ(file.exit_code, 0) << member << ": " << file.output;
      EXPECT_EQ(file.output, token + "\n") << member << "'s /etc/lab/token";
      auto joined = SshTo(member, "cat /var/lib/lab/joined && test -s /var/lib/reconcile/roles/member.hash");
      EXPECT_EQ(joined.exit_code, 0) << member << ": " << joined.output;
      EXPECT_EQ(joined.output, token + "\n") << member << "'s /var/lib/lab/joined";
    }
    return token;
  }

  static std::vector<std::string> PoolVolumes() {
    auto list = Virsh("vol-list " + lab_.pool);
    std::vector<std::string> names;
    for (std::string_view line : SplitNonEmpty(list.output, "\n")) {
      line = Strip(line);  // " name   path"
      names.emplace_back(line.substr(0, line.find(' ')));
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // base.qcow2 plus every volume the managed domains' metadata lists.
  static std::vector<std::string> ExpectedVolumes() {
    std::vector<std::string> names{"base.qcow2"};
    auto domains = Libvirt().ListDomains();
    EXPECT_TRUE(domains.ok()) << domains.status();
    if (domains.ok()) {
      for (const drivers::DomainInfo& d : *domains) {
        if (!d.owner) continue;
        for (const drivers::OwnedVolume& v : d.owner->volumes) names.push_back(v.name);
      }
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  static std::string DomainState(const std::string& name) {
    return Trimmed(Virsh("domstate " + ShellQuote(name)).output);
  }

  static void Figure(const std::string& what, absl::Duration d) {
    std::printf("[ FIGURE   ] %s: %.1f s\n", what.c_str(), absl::ToDoubleSeconds(d));
    std::fflush(stdout);
  }

  static inline std::string work_;
  static inline std::string spec_path_;
  static inline LabValues lab_;
  static inline std::string outsider_uuid_;
  static inline std::string outsider_xml_;
  static inline bool applied_ = false;
};

// This test verifies that `reconcile apply` converges an empty lab to the
// 3-node spec (exit 0), the members' files carrying the leader's output, and
// that an unmanaged domain defined beforehand is reported nowhere as ours.
TEST_F(ReconcileE2eTest, ApplyConvergesFromEmpty) {
  const std::string outsider = work_ + "/outsider.xml";
  std::ofstream(outsider) << "<domain type='qemu'><name>" << kOutsider << "</name>"
                          << "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                          << "<os><type arch='x86_64'>hvm</type></os></domain>\n";
  ASSERT_EQ(Virsh("define " + ShellQuote(outsider)).exit_code, 0);
  outsider_uuid_ = Trimmed(Virsh(std::string("domuuid ") + kOutsider).output);
  outsider_xml_ = Virsh(std::string("dumpxml ") + kOutsider).output;
  ASSERT_FALSE(outsider_uuid_.empty());

  WriteSpec(2);
  const absl::Time start = absl::Now();
  auto apply = Reconcile("apply " + ShellQuote(spec_path_));
  const absl::Duration took = absl::Now() - start;
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  Figure("time to converge from empty (3 nodes, apply)", took);
  EXPECT_THAT(apply.output, ::testing::Not(HasSubstr(kOutsider)));

  for (const char* node : {kLeader, kMember1, kMember2}) EXPECT_EQ(DomainState(node), "running");
  ExpectConverged({kMember1, kMember2});
  applied_ = !HasFailure();
}

// This test verifies that a plan right after a successful apply is empty:
// `plan --detailed-exitcode` exits 0.
TEST_F(ReconcileE2eTest, PlanAfterApplyIsEmpty) {
  ASSERT_TRUE(applied_) << "needs the converged cluster of ApplyConvergesFromEmpty";
  const absl::Time start = absl::Now();
  auto plan = Reconcile("plan --detailed-exitcode " + ShellQuote(spec_path_));
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(plan.exit_code, 0) << plan.output;
  Figure("no-op pass (plan --detailed-exitcode on the converged cluster)", took);
}

// This test verifies that rolling the cluster to an image whose kernel path
// has a typo, under `reconcile watch`, deletes no node: every pass reports the
// problem naming the path, `plan` exits 1 with it, and all three guests keep
// running (the case: the whole group had been deleted in ~36 s).
TEST_F(ReconcileE2eTest, RolloutToMissingImageUnderWatchKeepsEveryNode) {
  ASSERT_TRUE(applied_) << "needs the converged cluster of ApplyConvergesFromEmpty";
  std::string yaml = LabSpecYaml(lab_, 2);
  const std::string good = lab_.image_dir + "/vmlinux\n";
  const std::string typo = lab_.image_dir + "/vmlinux-tpyo";
  ASSERT_NE(yaml.find(good), std::string::npos);
  yaml.replace(yaml.find(good), good.size(), typo + "\n");
  std::ofstream(spec_path_) << yaml;

  auto plan = Reconcile("plan " + ShellQuote(spec_path_));
  EXPECT_EQ(plan.exit_code, 1) << plan.output;
  EXPECT_THAT(plan.output, HasSubstr(typo));

  const std::string log_path = work_ + "/rollout-watch.log";
  BackgroundReconcile watch({"watch", "--interval", "2s", spec_path_}, log_path);
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline && ReadFile(log_path).find("pass 3:") == std::string::npos) {
    absl::SleepFor(absl::Milliseconds(500));
  }
  const int exit_code = watch.Terminate();
  const std::string log = ReadFile(log_path);
  EXPECT_THAT(log, HasSubstr("pass 3:")) << log;
  EXPECT_THAT(log, HasSubstr("problem: " + std::string(kMember1) + ": not replaced")) << log;
  EXPECT_THAT(log, HasSubstr(typo)) << log;
  EXPECT_EQ(exit_code, 0) << log;
  for (const char* node : {kLeader, kMember1, kMember2}) EXPECT_EQ(DomainState(node), "running");

  WriteSpec(2);  // the good spec again: nothing to do
  auto back = Reconcile("plan --detailed-exitcode " + ShellQuote(spec_path_));
  EXPECT_EQ(back.exit_code, 0) << back.output;
}

// This test verifies that `reconcile watch` restores a file edited on one
// node, a domain deleted behind the tool's back and another stopped, leaks
// no volume, refuses a concurrent apply naming itself as the lock holder,
// and exits 0 on SIGTERM.
TEST_F(ReconcileE2eTest, WatchCorrectsDriftAndHoldsTheLock) {
  ASSERT_TRUE(applied_) << "needs the converged cluster of ApplyConvergesFromEmpty";
  auto edit = SshTo(kMember1, "echo tampered > /etc/lab/token");
  ASSERT_EQ(edit.exit_code, 0) << edit.output;
  ASSERT_EQ(Virsh(std::string("destroy ") + kMember2).exit_code, 0);
  ASSERT_EQ(Virsh(std::string("undefine ") + kMember2).exit_code, 0);  // volumes stay
  ASSERT_EQ(Virsh(std::string("destroy ") + kLeader).exit_code, 0);

  const std::string log_path = work_ + "/watch.log";
  BackgroundReconcile watch({"watch", "--interval", "5s", spec_path_}, log_path);
  // The lock is taken before the first pass; a second reconciler is refused.
  const absl::Time lock_deadline = absl::Now() + absl::Seconds(30);
  while (ReadFile(log_path).find("watching") == std::string::npos && absl::Now() < lock_deadline) {
    absl::SleepFor(absl::Milliseconds(200));
  }
  auto second = Reconcile("apply " + ShellQuote(spec_path_));
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_THAT(second.output, HasSubstr("locked by pid " + std::to_string(watch.pid())));

  // Bounded wait for a pass that changed things followed by a converged one.
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + absl::Minutes(5);
  bool converged = false;
  while (!converged && absl::Now() < deadline) {
    const std::string log = ReadFile(log_path);
    const size_t fixing = log.find(" ok, ");  // "pass 2: 3 actions (3 ok, 0 failed)"
    converged = fixing != std::string::npos &&
                log.find("converged, no changes", fixing) != std::string::npos;
    if (!converged) absl::SleepFor(absl::Seconds(1));
  }
  const absl::Duration took = absl::Now() - start;
  const int exit_code = watch.Terminate();
  const std::string log = ReadFile(log_path);
  ASSERT_TRUE(converged) << "watch did not converge within 5 min:\n" << log;
  EXPECT_EQ(exit_code, 0) << log;
  EXPECT_THAT(log, HasSubstr("stopped"));
  Figure("watch: drift (file, deleted domain, stopped domain) to converged", took);

  for (const char* node : {kLeader, kMember1, kMember2}) EXPECT_EQ(DomainState(node), "running");
  ExpectConverged({kMember1, kMember2});
  EXPECT_EQ(PoolVolumes(), ExpectedVolumes());
}

// This test verifies that scaling the member group down with prune on deletes
// exactly the removed domain and its volumes.
TEST_F(ReconcileE2eTest, ScaleDownPrunesTheNodeAndItsVolumes) {
  ASSERT_TRUE(applied_) << "needs the converged cluster of ApplyConvergesFromEmpty";
  absl::StatusOr<drivers::DomainInfo> removed = Libvirt().GetDomain(kMember2);
  ASSERT_TRUE(removed.ok() && removed->owner) << removed.status();
  const std::vector<std::string> before = PoolVolumes();

  WriteSpec(1);
  auto apply = Reconcile("apply " + ShellQuote(spec_path_));
  ASSERT_EQ(apply.exit_code, 0) << apply.output;

  EXPECT_THAT(Virsh(std::string("dominfo ") + kMember2).output, HasSubstr("failed to get domain"));
  std::vector<std::string> expected = before;
  for (const drivers::OwnedVolume& v : removed->owner->volumes) {
    auto it = std::find(expected.begin(), expected.end(), v.name);
    ASSERT_NE(it, expected.end()) << v.name << " was listed in metadata but not in the pool";
    expected.erase(it);
  }
  EXPECT_EQ(PoolVolumes(), expected);
  EXPECT_EQ(PoolVolumes(), ExpectedVolumes());
  ExpectConverged({kMember1});
}

// This test verifies `reconcile ssh` and `reconcile known-hosts` on real
// guests: a one-shot command by node name, verified against the key recorded
// in the domain (no prompt); an interactive login on a terminal; and plain
// OpenSSH verifying with the printed known_hosts file.
TEST_F(ReconcileE2eTest, SshByNameVerifiesTheRecordedKey) {
  ASSERT_TRUE(applied_) << "needs the converged cluster of ApplyConvergesFromEmpty";
  auto token = Reconcile("ssh " + ShellQuote(spec_path_) + " " + kLeader +
                         " -- cat /var/lib/lab/token");
  EXPECT_EQ(token.exit_code, 0) << token.output;
  EXPECT_EQ(token.output.size(), 32u) << token.output;
  EXPECT_EQ(Reconcile("ssh " + ShellQuote(spec_path_) + " " + kMember1 + " -- exit 3").exit_code, 3);

  PtyProcess login(std::string(RECONCILE_BINARY) + " ssh " + ShellQuote(spec_path_) + " " + kMember1);
  ASSERT_TRUE(login.WaitForRawMode(std::chrono::seconds(60))) << login.output();
  login.Type("echo interactive-$((40+2))\n");
  EXPECT_TRUE(login.WaitFor("interactive-42", std::chrono::seconds(60))) << login.output();
  login.Type("exit\n");
  EXPECT_EQ(login.Wait(std::chrono::seconds(30)), 0) << login.output();

  auto known = Reconcile("known-hosts " + ShellQuote(spec_path_));
  ASSERT_EQ(known.exit_code, 0) << known.output;
  const std::string file = work_ + "/known_hosts-printed";
  std::ofstream(file) << known.output;
  absl::StatusOr<std::string> ip = Libvirt().DiscoverAddress(kMember1, absl::Seconds(60));
  ASSERT_TRUE(ip.ok()) << ip.status();
  EXPECT_THAT(known.output, HasSubstr("\n" + *ip + " ssh-ed25519 "));
  auto plain = RunCommand(
      fmt::format("ip netns exec {} ssh -i {} -o BatchMode=yes -o StrictHostKeyChecking=yes -o "
                  "UserKnownHostsFile={} root@{} hostname 2>&1",
                  kNamespace, ShellQuote(lab_.identity), ShellQuote(file), *ip));
  EXPECT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_EQ(plain.output, std::string(kMember1) + "\n");
}

// This test verifies `reconcile console`: the node's serial console (a shell
// on ttyS0 in the lab's guests) answers, and Ctrl+] leaves with exit 0.
TEST_F(ReconcileE2eTest, ConsoleAttachesAndCtrlBracketLeaves) {
  ASSERT_TRUE(applied_) << "needs the converged cluster of ApplyConvergesFromEmpty";
  PtyProcess console(std::string(RECONCILE_BINARY) + " console " + ShellQuote(spec_path_) + " " +
                     kLeader);
  ASSERT_TRUE(console.WaitFor("leave with Ctrl+]", std::chrono::seconds(30))) << console.output();
  ASSERT_TRUE(console.WaitFor("Escape character", std::chrono::seconds(30))) << console.output();
  // virsh flushes what was typed before its switch to raw mode (CI lost the
  // command that way once), so type only after it.
  ASSERT_TRUE(console.WaitForRawMode(std::chrono::seconds(30))) << console.output();
  console.Type("\recho console-$((6*7))\r");
  EXPECT_TRUE(console.WaitFor("console-42", std::chrono::seconds(30))) << console.output();
  console.Type("\x1d");
  EXPECT_EQ(console.Wait(std::chrono::seconds(30)), 0) << console.output();
}

// This test verifies that the unmanaged domain defined before the first apply
// is still defined, in the same state, with the same UUID and XML.
TEST_F(ReconcileE2eTest, UnmanagedDomainIsUntouched) {
  ASSERT_FALSE(outsider_uuid_.empty()) << "ApplyConvergesFromEmpty did not define it";
  EXPECT_EQ(Trimmed(Virsh(std::string("domuuid ") + kOutsider).output), outsider_uuid_);
  EXPECT_EQ(DomainState(kOutsider), "shut off");
  EXPECT_EQ(Virsh(std::string("dumpxml ") + kOutsider).output, outsider_xml_);
}

// This test verifies `reconcile destroy --yes` on the real libvirtd: every
// domain of the cluster and every volume made for them are gone, the base
// image and the unmanaged domain are untouched, and a second destroy finds
// nothing to do.
TEST_F(ReconcileE2eTest, DestroyRemovesTheClusterAndNothingElse) {
  ASSERT_TRUE(applied_) << "needs the converged cluster of ApplyConvergesFromEmpty";
  auto destroy = Reconcile("destroy --yes " + ShellQuote(spec_path_));
  ASSERT_EQ(destroy.exit_code, 0) << destroy.output;
  EXPECT_THAT(destroy.output, HasSubstr("Cluster e2e: 2 domains deleted"));
  auto domains = Libvirt().ListDomains();
  ASSERT_TRUE(domains.ok()) << domains.status();
  for (const drivers::DomainInfo& d : *domains) EXPECT_FALSE(d.owner) << d.name << " is left";
  EXPECT_EQ(PoolVolumes(), std::vector<std::string>{"base.qcow2"});
  EXPECT_EQ(Virsh(std::string("dumpxml ") + kOutsider).output, outsider_xml_);
  auto again = Reconcile("destroy --yes " + ShellQuote(spec_path_));
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("Cluster e2e: 0 domains deleted"));
}

}  // namespace
}  // namespace reconcile::testing
