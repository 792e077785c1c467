// Fault injection, end to end: the `reconcile` binary against the lab's real
// libvirtd and QEMU (TCG) guests, with one fault per test: sshd killed in the
// middle of a configure step, a second reconciler, a changed host key,
// libvirtd restarted under `watch`, SIGKILL at each phase of creating and
// pruning nodes, a guest that never gets a DHCP lease, and a full storage
// pool. Each asserts the clean error, then that the next pass converges, that
// nothing leaked (faults_fixture.h) and that no secret was printed. The tests
// run in order on one lab.
#include <libvirt/libvirt.h>
#include <signal.h>

#include <functional>

#include "fmt/format.h"
#include "tests/e2e/faults_fixture.h"

namespace reconcile::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kNode1 = "faults-node-1";
constexpr const char* kNode2 = "faults-node-2";

bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout,
             absl::Duration poll = absl::Milliseconds(500)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(poll);
  }
  return condition();
}

// Restarts the guest's dropbear with `key` (a path on the guest); the current
// session survives the old server.
std::string RestartDropbearWith(const std::string& key) {
  return "kill $(cat /run/dropbear.pid) && sleep 0.3 && /usr/sbin/dropbear -s -E -p 22 -r " +
         key + " -P /run/dropbear.pid 2>>/var/log/dropbear.log";
}
constexpr const char* kSeededKey = "/etc/dropbear/dropbear_ed25519_host_key";

class FaultsE2eTest : public FaultsFixture {
 protected:
  static inline bool converged_ = false;
  static inline int faults_injected_ = 0;
  static inline int faults_survived_ = 0;

  void SetUp() override {
    FaultsFixture::SetUp();
    if (!IsSkipped() && !HasFatalFailure() &&
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) !=
            "ConvergesAndShowsNoSecret") {
      ASSERT_TRUE(converged_) << "needs the cluster of ConvergesAndShowsNoSecret";
    }
  }

  // Counts a fault as survived when the test recorded no failure after it.
  void Survived() {
    ++faults_injected_;
    if (!HasFailure()) ++faults_survived_;
    Figure("faults injected / survived so far",
           fmt::format("{} / {}", faults_injected_, faults_survived_));
  }

  static std::string Apply(const FaultsSpec& spec, const std::string& flags = "") {
    return fmt::format("apply {}{}{}", flags, flags.empty() ? "" : " ",
                       ShellQuote(WriteSpec(spec)));
  }
};

// This test verifies that apply converges two fresh nodes (exit 0), that
// plan, plan --json and apply print no secret (var, role output, keys), and
// that files written locally and on the nodes have owner-only modes.
TEST_F(FaultsE2eTest, ConvergesAndShowsNoSecret) {
  const FaultsSpec spec;
  auto apply = Cli(Apply(spec));
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  ExpectNodesConfigured({kNode1, kNode2});
  ASSERT_FALSE(stamp_.empty());
  ExpectNoSecretIn(apply.output, "apply, with the output now known");
  for (const char* flags : {"plan", "plan --json", "status", "status --json"}) {
    auto out = Cli(fmt::format("{} {}", flags, ShellQuote(SpecPath(spec))));
    EXPECT_EQ(out.exit_code, 0) << flags << ": " << out.output;
  }
  ExpectPlanEmpty(spec);
  ExpectNoLeaks(spec);

  // Local files: the lock (directory 0700, file 0600), the seed ISO that
  // carries the node's private host key (no group/other bits).
  struct stat st {};
  ASSERT_EQ(stat(lock_dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(stat((lock_dir_ + "/faults.lock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u) << "lock file mode " << std::oct << (st.st_mode & 07777);
  const std::string seed = Trimmed(Virsh("vol-path --pool rcl faults-node-1-seed.iso").output);
  ASSERT_EQ(stat(seed.c_str(), &st), 0) << seed;
  EXPECT_EQ(st.st_mode & 077, 0u) << seed << " mode " << std::oct << (st.st_mode & 07777);
  // On the node: declared modes, and the state directory private to root.
  auto modes = SshTo(kNode1,
                     "stat -c '%a %n' /etc/faults/token /etc/faults/stamp /var/lib/reconcile/roles "
                     "/var/lib/reconcile/roles/base.hash /var/lib/reconcile/roles/peer.hash");
  EXPECT_EQ(modes.exit_code, 0) << modes.output;
  EXPECT_THAT(modes.output, HasSubstr("600 /etc/faults/token"));
  EXPECT_THAT(modes.output, HasSubstr("640 /etc/faults/stamp"));
  EXPECT_THAT(modes.output, HasSubstr("700 /var/lib/reconcile/roles\n"));
  EXPECT_THAT(modes.output, HasSubstr("600 /var/lib/reconcile/roles/base.hash"));
  converged_ = !HasFailure();
}

// This test verifies that while an apply runs a slow configure step, a second
// apply is refused naming the holder's pid; that killing sshd on the node in
// the middle of that step makes the first apply fail cleanly naming the node;
// and that once sshd is back the next apply converges without leaks.
TEST_F(FaultsE2eTest, SshdKilledMidStepThenBack) {
  const FaultsSpec spec;
  ASSERT_EQ(SshTo(kNode1, "touch /tmp/slow && rm -f /var/lib/faults/done /var/lib/faults/started")
                .exit_code, 0);
  const std::string log_path = work_ + "/sshd-kill.log";
  WriteSpec(spec);
  BackgroundReconcile apply({"apply", "--max-passes", "1", SpecPath(spec)}, log_path);
  ASSERT_TRUE(WaitFor([] { return SshTo(kNode1, "test -f /var/lib/faults/started").exit_code == 0; },
                      absl::Seconds(90)))
      << ReadFile(log_path);

  auto second = Cli(Apply(spec));
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_THAT(second.output, HasSubstr("locked by pid " + std::to_string(apply.pid())));
  ++faults_injected_;
  if (!HasFailure()) ++faults_survived_;

  // dropbear (and with it the session running the step) dies; it comes back
  // 12 s later from a detached shell on the guest.
  SshTo(kNode1, "setsid sh -c 'sleep 12; /usr/sbin/dropbear -s -E -p 22 -r " +
                    std::string(kSeededKey) +
                    " -P /run/dropbear.pid' </dev/null >/dev/null 2>&1 & sleep 0.3; "
                    "kill -9 $(pidof dropbear)");
  EXPECT_EQ(apply.Wait(), 1);
  const std::string log = ReadFile(log_path);
  ExpectNoSecretIn(log, "apply whose node lost sshd");
  EXPECT_THAT(log, HasSubstr(kNode1));
  EXPECT_THAT(log, Not(HasSubstr("reconcile: internal error")));

  ASSERT_TRUE(WaitFor([] { return SshTo(kNode1, "rm -f /tmp/slow").exit_code == 0; },
                      absl::Seconds(60)));
  auto next = Cli(Apply(spec));
  EXPECT_EQ(next.exit_code, 0) << next.output;
  ExpectNodesConfigured({kNode1, kNode2});
  ExpectPlanEmpty(spec);
  ExpectNoLeaks(spec);
  Survived();
}

// This test verifies that a node presenting another host key than the one
// seeded is refused with both fingerprints named and is not configured, and
// that with its own key back the next apply converges.
TEST_F(FaultsE2eTest, ChangedHostKeyIsRefusedNamingBoth) {
  const FaultsSpec spec;
  const std::string key = work_ + "/rogue_host_key";
  RunCommand("rm -f " + key + "*");
  ASSERT_EQ(RunCommand("ssh-keygen -q -t ed25519 -N '' -f " + key + " && dropbearconvert openssh "
                       "dropbear " + key + " " + key + ".db >/dev/null 2>&1").exit_code, 0);
  const std::string rogue_pub = Trimmed(ReadFile(key + ".pub"));
  absl::StatusOr<drivers::DomainInfo> info = Libvirt().GetDomain(kNode2);
  ASSERT_TRUE(info.ok() && info->owner) << info.status();
  std::ofstream(work_ + "/seeded.pub") << info->owner->host_public_key << "\n";
  const std::string seeded_fp = RunCommand("ssh-keygen -lf " + work_ + "/seeded.pub").output;
  const std::string rogue_fp = RunCommand("ssh-keygen -lf " + key + ".pub").output;
  const std::string seeded_sha = seeded_fp.substr(seeded_fp.find("SHA256:"), 50);
  const std::string rogue_sha = rogue_fp.substr(rogue_fp.find("SHA256:"), 50);

  const std::string b64 = Trimmed(RunCommand("base64 -w0 " + key + ".db").output);
  auto swap = SshTo(kNode2, "echo " + b64 + " | base64 -d > /etc/dropbear/rogue && "
                            "rm -f /var/lib/faults/done && " + RestartDropbearWith("/etc/dropbear/rogue"));
  ASSERT_EQ(swap.exit_code, 0) << swap.output;
  ASSERT_EQ(SshTo(kNode2, "true", rogue_pub).exit_code, 0) << "the node does not present the new key";

  // Neither the trust-on-first-use opt-in nor an OpenSSH config that turns
  // checking off (the tool must not read one) lets a changed key through.
  const std::string home = work_ + "/hostile-home";
  ASSERT_EQ(RunCommand("mkdir -p " + home + "/.ssh && printf 'Host *\\n  StrictHostKeyChecking no\\n"
                       "  UserKnownHostsFile /dev/null\\n' > " + home + "/.ssh/config").exit_code, 0);
  FaultsSpec tofu = spec;
  tofu.accept_unknown_host_keys = true;
  auto refused = RunCommand("HOME=" + home + " " + RECONCILE_BINARY + " apply --max-passes 1 " +
                            ShellQuote(WriteSpec(tofu)) + " 2>&1");
  ExpectNoSecretIn(refused.output, "apply refused by the host key");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr(kNode2));
  EXPECT_THAT(refused.output, HasSubstr(rogue_sha.substr(0, rogue_sha.find_first_of(" \n"))));
  EXPECT_THAT(refused.output, HasSubstr(seeded_sha.substr(0, seeded_sha.find_first_of(" \n"))));
  auto plan = Cli("plan " + ShellQuote(SpecPath(spec)));
  EXPECT_THAT(plan.output, HasSubstr(kNode2)) << "the refusal is visible in the plan too";
  EXPECT_EQ(SshTo(kNode2, "test ! -e /var/lib/faults/done", rogue_pub).exit_code, 0)
      << "the node with the changed key was configured";

  ASSERT_EQ(SshTo(kNode2, RestartDropbearWith(kSeededKey), rogue_pub).exit_code, 0);
  auto next = Cli(Apply(spec));
  EXPECT_EQ(next.exit_code, 0) << next.output;
  ExpectNodesConfigured({kNode1, kNode2});
  ExpectNoLeaks(spec);
  Survived();
}

// This test verifies that `watch` survives a restart of libvirtd: it keeps
// running, reconnects (every pass lists the domains first) and fixes drift
// made after the restart.
TEST_F(FaultsE2eTest, WatchSurvivesLibvirtdRestart) {
  const FaultsSpec spec;
  WriteSpec(spec);
  const std::string log_path = work_ + "/watch.log";
  BackgroundReconcile watch({"watch", "--interval", "3s", SpecPath(spec)}, log_path);
  ASSERT_TRUE(WaitFor([&] { return ReadFile(log_path).find("converged, no changes") != std::string::npos; },
                      absl::Seconds(90)))
      << ReadFile(log_path);

  auto restart = Lab("restart-libvirtd.sh");
  ASSERT_EQ(restart.exit_code, 0) << restart.output;
  const size_t mark = ReadFile(log_path).size();
  // Drift found only by a pass that lists domains on the restarted daemon.
  ASSERT_EQ(SshTo(kNode2, "rm /var/lib/faults/done").exit_code, 0);
  const bool converged = WaitFor(
      [&] {
        const std::string log = ReadFile(log_path);
        const size_t fixing = log.find(" ok, ", mark);  // "pass 3: 1 action (1 ok, 0 failed)"
        return fixing != std::string::npos &&
               log.find("converged, no changes", fixing) != std::string::npos;
      },
      absl::Minutes(3), absl::Seconds(1));
  EXPECT_TRUE(watch.Running()) << "watch died after libvirtd restarted";
  EXPECT_EQ(watch.Terminate(), 0);
  const std::string log = ReadFile(log_path);
  ASSERT_TRUE(converged) << log;
  ExpectNoSecretIn(log, "watch log");
  EXPECT_THAT(log, Not(HasSubstr("reconcile: internal error")));
  ExpectNodesConfigured({kNode1, kNode2});
  ExpectNoLeaks(spec);
  Survived();
}

// This test verifies that a guest that never configures its NIC (so never
// gets a DHCP lease) fails alone with a deadline error naming it, while the
// other nodes' work in the same pass succeeds; pruning it then converges.
TEST_F(FaultsE2eTest, GuestWithoutLeaseFailsAloneOthersConverge) {
  ASSERT_EQ(SshTo(kNode1, "rm /var/lib/faults/done").exit_code, 0);  // work for the others
  FaultsSpec spec{.mute = 1, .retries = 0};
  auto apply = Cli(Apply(spec, "--max-passes 1 --boot-timeout 20s"));
  EXPECT_EQ(apply.exit_code, 1) << apply.output;
  EXPECT_THAT(apply.output, HasSubstr("no IPv4 address for faults-mute-1 within 20s"));
  EXPECT_THAT(apply.output, Not(HasSubstr("reconcile: internal error")));
  EXPECT_THAT(apply.output, Not(::testing::ContainsRegex("(FAILED|skipped)[^\n]*faults-node")))
      << "only the node without a lease may fail";
  ExpectNodesConfigured({kNode1, kNode2});
  ExpectNoLeaks(spec);  // the mute node is complete and running, just unreachable

  spec = FaultsSpec{};
  auto prune = Cli(Apply(spec));
  EXPECT_EQ(prune.exit_code, 0) << prune.output;
  ExpectPlanEmpty(spec);
  ExpectNoLeaks(spec);
  Survived();
}

// SIGKILLs `apply` as soon as `reached` (polled every 5 ms on a connection
// of the test's own) says it got to a phase; returns false when it never did
// (the apply then ran to its end: the point was missed, not survived).
bool KillWhen(BackgroundReconcile& apply, const std::function<bool(virConnectPtr)>& reached,
              const std::string& uri) {
  virConnectPtr conn = virConnectOpen(uri.c_str());
  if (conn == nullptr) return false;
  bool hit = false;
  const absl::Time deadline = absl::Now() + absl::Minutes(3);
  while (!hit && apply.Running() && absl::Now() < deadline) {
    hit = reached(conn);
    if (!hit) absl::SleepFor(absl::Milliseconds(5));
  }
  virConnectClose(conn);
  if (hit) apply.Signal(SIGKILL);
  return hit;
}

bool VolumeExists(virConnectPtr conn, const std::string& name) {
  virStoragePoolPtr pool = virStoragePoolLookupByName(conn, "rcl");
  if (pool == nullptr) return false;
  virStorageVolPtr vol = virStorageVolLookupByName(pool, name.c_str());
  virStoragePoolFree(pool);
  if (vol != nullptr) virStorageVolFree(vol);
  return vol != nullptr;
}

// 1 defined and running, 0 defined and shut off, -1 not defined.
int DomainActive(virConnectPtr conn, const std::string& name) {
  virDomainPtr dom = virDomainLookupByName(conn, name.c_str());
  if (dom == nullptr) return -1;
  const int active = virDomainIsActive(dom);
  virDomainFree(dom);
  return active == 1 ? 1 : 0;
}

// This test verifies that SIGKILL at each phase of an apply (seed volume
// written but no domain yet; domain defined; domain running but not
// configured: one after the other on the same new node, each apply resuming
// the killed one's leftovers; then prune half done) is survived: the apply
// after them converges, with no orphan volume, no extra or incomplete domain,
// bystanders untouched.
TEST_F(FaultsE2eTest, SigkillAtEachPhaseThenNextApplyConverges) {
  struct KillPoint {
    std::string name;
    FaultsSpec spec;
    std::function<bool(virConnectPtr)> reached;
    bool converge_after = true;  // else the next point's apply resumes first
  };
  // The creation points follow each other on one new node (each apply
  // resumes what the killed one left), then one point while pruning it.
  const std::vector<KillPoint> points = {
      {"seed volume written, domain not defined", {.nodes = 3},
       [](virConnectPtr c) { return VolumeExists(c, "faults-node-3-seed.iso"); }, false},
      {"domain defined", {.nodes = 3},
       [](virConnectPtr c) { return DomainActive(c, "faults-node-3") >= 0; }, false},
      {"domain running, not configured", {.nodes = 3},
       [](virConnectPtr c) { return DomainActive(c, "faults-node-3") == 1; }},
      {"prune half done", {.nodes = 2},
       [](virConnectPtr c) { return DomainActive(c, "faults-node-3") != 1; }},
  };
  int tried = 0, survived = 0, pending = 0;
  auto failures = [] {
    return ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
  };
  int failures_before = failures();
  for (const KillPoint& point : points) {
    SCOPED_TRACE(point.name);
    WriteSpec(point.spec);
    const std::string log_path = work_ + "/kill.log";
    BackgroundReconcile apply({"apply", SpecPath(point.spec)}, log_path);
    const bool hit = KillWhen(apply, point.reached, uri_);
    EXPECT_TRUE(hit) << "never reached; apply exited " << apply.Wait() << ":\n" << ReadFile(log_path);
    ExpectNoSecretIn(ReadFile(log_path), "killed apply");
    ++tried;
    ++pending;
    Figure("SIGKILL at " + point.name, hit ? "killed" : "missed");
    if (!point.converge_after) continue;
    auto next = Cli(Apply(point.spec));
    EXPECT_EQ(next.exit_code, 0) << next.output;
    ExpectNoLeaks(point.spec);
    if (failures() == failures_before) survived += pending;
    pending = 0;
    failures_before = failures();
  }
  ExpectNodesConfigured({kNode1, kNode2});
  ExpectPlanEmpty(FaultsSpec{});
  Figure("kill points tried / survived", fmt::format("{} / {}", tried, survived));
  Survived();
}

// This test verifies that a storage pool with no space left refuses the new
// node's seed with a clean error naming the node and the cause, leaves no
// volume or domain behind and the pool's unmanaged volume untouched; once
// space is freed the next apply converges.
TEST_F(FaultsE2eTest, FullPoolRefusesCleanlyAndLeavesNothing) {
  const std::string dir = work_ + "/tinypool";
  mkdir(dir.c_str(), 0700);
  // A 1 MiB tmpfs in libvirtd's own mount namespace (invisible on the host).
  const std::string in_libvirtd =
      "nsenter -t " + Trimmed(ReadFile(StateDir() + "/libvirtd.pid")) + " -m ";
  ASSERT_EQ(RunCommand(in_libvirtd + "mount -t tmpfs -o size=1m,mode=0700 faults-tiny " + dir +
                       " 2>&1").exit_code, 0);
  ASSERT_EQ(Virsh("pool-create-as tiny dir --target " + dir).exit_code, 0);
  ASSERT_EQ(Virsh("vol-create-as tiny keep.raw 64K --format raw").exit_code, 0);
  RunCommand(in_libvirtd + "dd if=/dev/zero of=" + dir + "/filler bs=4k 2>/dev/null");
  Virsh("pool-refresh tiny");
  const std::string keep_xml = Virsh("vol-dumpxml --pool tiny keep.raw").output;
  const std::vector<std::string> before = PoolVolumes("tiny");
  ASSERT_EQ(before, (std::vector<std::string>{"filler", "keep.raw"}));

  FaultsSpec full{.cluster = "full", .nodes = 1, .pool = "tiny"};
  auto refused = Cli(Apply(full, "--max-passes 1"));
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  // Refused when planned, naming the node and the pool: nothing is attempted.
  EXPECT_THAT(refused.output, HasSubstr("full-node-1: cannot be created: storage pool \"tiny\" has"));
  EXPECT_THAT(refused.output, HasSubstr("KiB free"));
  EXPECT_EQ(PoolVolumes("tiny"), before);
  EXPECT_NE(Virsh("dominfo full-node-1").exit_code, 0) << "a domain was left behind";
  EXPECT_EQ(Virsh("vol-dumpxml --pool tiny keep.raw").output, keep_xml);

  ASSERT_EQ(RunCommand(in_libvirtd + "rm " + dir + "/filler").exit_code, 0);
  auto next = Cli(Apply(full));
  EXPECT_EQ(next.exit_code, 0) << next.output;
  EXPECT_EQ(SshTo("full-node-1", "test -f /var/lib/faults/done").exit_code, 0);
  ExpectNoLeaks(full, "tiny", {"keep.raw"});
  EXPECT_EQ(Virsh("vol-dumpxml --pool tiny keep.raw").output, keep_xml);
  full.nodes = 0;  // deleted again: its volumes go, keep.raw stays
  EXPECT_EQ(Cli(Apply(full)).exit_code, 0);
  ExpectNoLeaks(full, "tiny", {"keep.raw"});
  Survived();
}

// This test verifies, after every fault, that the domain and volume this
// tool never created are exactly as they were, and prints the tally.
TEST_F(FaultsE2eTest, BystandersUntouchedAfterAllFaults) {
  ExpectBystandersUntouched();
  Figure("faults injected / survived", fmt::format("{} / {}", faults_injected_, faults_survived_));
  EXPECT_EQ(faults_injected_, faults_survived_);
}

}  // namespace
}  // namespace reconcile::testing
