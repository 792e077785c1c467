// End to end, real: a remote hypervisor host reached through libvirt's own
// ssh transport. tests/lab/start-remote-host.sh runs a private libvirtd in
// netns rcl-remote with an OpenSSH sshd in the daemon's own mount and
// network namespaces, reachable only over a veth /30 (10.83.255.2); the spec's
// hypervisor uri is qemu+ssh://root@10.83.255.2/system?keyfile=...&
// no_verify=0&no_tty=1&proxy=native, and the real `reconcile` binary runs as
// the lab's operator (tests/lab/remote-operator.sh: a private /root whose
// .ssh/known_hosts holds the sshd's host key), so the system ssh client
// checks that key. The tests run in order on one lab:
//   - what the URI verifies: a wrong known_hosts key is refused before any
//     login, known_hosts= in the URI is ignored by this transport, and
//     no_verify=1 would accept a changed key (why the spec keeps it 0);
//   - apply creates and configures one node there (the domain checked with
//     virsh over the daemon's local socket, the role's result over SSH on
//     the guest); a second plan is empty;
//   - sshd stopped: a one-host spec fails naming ssh's error, a spec with a
//     second host reports the remote host unreachable and plans nothing for
//     its node; the domain is untouched; with sshd back both converge;
//   - a daemon that goes silent (SIGSTOP) under an open connection of the
//     driver: libvirt's keepalive fails the waiting call within its bound,
//     retryable, and the next use reconnects;
//   - the link cut under `watch` (an open connection), with no
//     ServerAliveInterval in the operator's ssh config: reconcile's own
//     keepalive notices it within its bound and every later pass reports
//     the host unreachable promptly (none blocks for the outage), nothing
//     is created or deleted, and the host joins in again once it is back;
//   - count 0 with prune deletes the domain and its volumes.
// It prints connect times (qemu+ssh and the local socket, same daemon) and
// the time a silent daemon and a cut link take to be noticed. Run under
// RESOURCE_LOCK reconcile-lab (the machine's two cores).
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/time/clock.h"
#include "base/text.h"
#include "drivers/libvirt/connection.h"
#include "drivers/libvirt/errors.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "tests/e2e/lab_cluster.h"
#include "tests/lab/lab_fixture.h"

namespace reconcile::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kDir = "/tmp/reconcile-remote-lab";
constexpr const char* kNs = "rcl-remote";
constexpr const char* kEnv = "LAB_DIR=/tmp/reconcile-remote-lab NS=rcl-remote SUBNET=10.83.0";
constexpr const char* kLinkAddress = "10.83.255.2";
constexpr const char* kNode = "rmt-web-1";

std::string State() { return std::string(kDir) + "/state"; }
std::string LocalUri() { return "qemu:///system?socket=" + State() + "/run/libvirt-sock"; }

// tests/lab/<script> with the remote lab's environment.
CommandResult Script(const std::string& script) {
  return RunCommand(fmt::format("{} tests/lab/{} 2>&1", kEnv, script));
}

// `command` as the lab's operator: the ssh client libvirt starts reads
// `home`/.ssh (default: the lab's operator home with the right known_hosts).
CommandResult AsOperator(const std::string& command, const std::string& home = "") {
  return RunCommand(fmt::format("{} tests/lab/remote-operator.sh {}{} 2>&1", kEnv,
                                home.empty() ? "" : "--home " + ShellQuote(home) + " ", command));
}

CommandResult Reconcile(const std::string& args, const std::string& home = "") {
  return AsOperator(fmt::format("{} {}", RECONCILE_BINARY, args), home);
}

// virsh on the remote daemon through its local socket: what really exists
// there, not what reconcile says.
CommandResult LocalVirsh(const std::string& args) {
  return RunCommand("virsh -q -c " + ShellQuote(LocalUri()) + " " + args + " 2>&1");
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  for (std::string_view line : SplitNonEmpty(text, "\n")) {
    line = Strip(line);
    if (!line.empty()) out.emplace_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Domains() { return Lines(LocalVirsh("list --all --name").output); }

std::vector<std::string> Volumes() {
  std::vector<std::string> names;
  for (const std::string& line : Lines(LocalVirsh("vol-list rcl").output)) {
    names.push_back(line.substr(0, line.find(' ')));
  }
  return names;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

void Figure(const std::string& what, absl::Duration d) {
  std::printf("[ FIGURE   ] %s: %.2f s\n", what.c_str(), absl::ToDoubleSeconds(d));
  std::fflush(stdout);
}

// The median wall time of `runs` runs of `command`, which must succeed.
absl::Duration Median(const std::string& command, int runs) {
  std::vector<absl::Duration> times;
  for (int i = 0; i < runs; ++i) {
    const absl::Time start = absl::Now();
    CommandResult r = RunCommand(command);
    times.push_back(absl::Now() - start);
    EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.output;
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Waits until `path` holds `count` occurrences of `needle` after byte `from`.
bool WaitForLog(const std::string& path, const std::string& needle, size_t from, size_t count,
                absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    const std::string log = ReadFile(path);
    if (log.size() > from && Count(log.substr(from), needle) >= count) return true;
    absl::SleepFor(absl::Milliseconds(250));
  }
  return false;
}

class RemoteHostE2eTest : public LabFixture {
 public:
  static void SetUpTestSuite() {
    skip_reason_ = MissingPrerequisite();
    if (skip_reason_.empty()) {
      for (const char* tool : {"/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen",
                               "/usr/bin/virt-ssh-helper", "/usr/bin/virsh", "/usr/bin/nsenter",
                               "/usr/bin/unshare"}) {
        if (access(tool, X_OK) != 0) {
          skip_reason_ = std::string("missing ") + tool + " (scripts/install-deps.sh)";
          break;
        }
      }
    }
    if (!skip_reason_.empty()) return;
    // One run of this suite at a time on this machine: two would tear down
    // and rebuild each other's lab (same directory, namespace and veth),
    // and ctest's RESOURCE_LOCK only orders tests of one ctest run. Held
    // (the descriptor stays open) until the process exits.
    lock_fd_ = open("/tmp/reconcile-remote-lab.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd_ < 0 || flock(lock_fd_, LOCK_EX) != 0) {
      setup_error_ = "cannot lock /tmp/reconcile-remote-lab.lock";
      return;
    }
    Script("teardown.sh");  // a crashed earlier run
    CommandResult image = Lab("build-initramfs.sh");
    if (image.exit_code != 0) {
      setup_error_ = "build-initramfs.sh failed:\n" + image.output;
      return;
    }
    image_dir_ = LastLine(image.output);
    const absl::Time start = absl::Now();
    CommandResult lab = Script("start-remote-host.sh");
    if (lab.exit_code != 0) {
      setup_error_ = "start-remote-host.sh failed:\n" + lab.output;
      return;
    }
    Figure("start-remote-host.sh (libvirtd, veth, sshd, keys)", absl::Now() - start);
    remote_uri_ = LastLine(lab.output);
    work_ = State() + "/e2e";
    mkdir(work_.c_str(), 0700);
    setenv("RECONCILE_LOCK_DIR", (work_ + "/locks").c_str(), 1);
    identity_ = work_ + "/id_ed25519";
    CommandResult keygen = RunCommand("ssh-keygen -q -t ed25519 -N '' -C rmt-operator -f " +
                                      ShellQuote(identity_) + " 2>&1");
    if (keygen.exit_code != 0) setup_error_ = "ssh-keygen failed: " + keygen.output;
  }

  static void TearDownTestSuite() {
    unsetenv("RECONCILE_LOCK_DIR");
    if (skip_reason_.empty()) Script("teardown.sh");
    if (lock_fd_ >= 0) close(lock_fd_);  // the next run may start
    lock_fd_ = -1;
  }

 protected:
  // The spec: one node of group web on the remote host. `two_hosts` adds a
  // second host that is always reachable (libvirt's in-process test driver,
  // holding nothing of ours) and pins the group to the remote one: with a
  // reachable host left, a dark one is reported per host instead of failing
  // the pass.
  static std::string WriteSpec(int count, bool two_hosts, const std::string& uri = "") {
    const std::string path = work_ + (two_hosts ? "/remote-two-hosts.yaml" : "/remote.yaml");
    const std::string use = uri.empty() ? remote_uri_ : uri;
    std::ofstream out(path);
    out << "cluster: rmt\n";
    if (two_hosts) {
      out << "hypervisors:\n"
          << "  - {name: remote, uri: \"" << use << "\", network: rcl-lab, pool: rcl}\n"
          << "  - {name: spare, uri: \"test:///default\"}\n";
    } else {
      out << "hypervisor:\n  uri: \"" << use << "\"\n  network: rcl-lab\n  pool: rcl\n";
    }
    out << "ssh: {user: root, identity: " << identity_ << ", netns: " << kNs
        << ", connect_timeout: 10s}\n"
        << "images:\n  tiny:\n"
        << "    kernel: " << image_dir_ << "/vmlinux\n"
        << "    initrd: " << image_dir_ << "/initramfs.cpio.gz\n"
        << "    cmdline: console=ttyS0 panic=-1 quiet\n"
        << "groups:\n  web: {count: " << count
        << ", image: tiny, cpus: 1, memory: 256MiB, roles: [web]"
        << (two_hosts ? ", placement: {hosts: [remote]}" : "") << "}\n"
        << "roles:\n  web:\n    steps:\n"
        << "      - name: page\n"
        << "        files:\n"
        << "          - path: /srv/www/index.html\n"
        << "            content: \"served by {{ self.name }}\\n\"\n"
        << "        check: test -s /var/lib/web/started\n"
        << "        run: mkdir -p /var/lib/web && hostname > /var/lib/web/started\n"
        << "policy: {prune: true, retries: 3}\n";
    return path;
  }

  // A home whose known_hosts names the sshd's address with `key_line`
  // ("" for an empty file), with the operator's ssh config.
  static std::string HomeWithKnownHost(const std::string& name, const std::string& key_line) {
    const std::string home = work_ + "/" + name;
    RunCommand("mkdir -p -m 700 " + ShellQuote(home + "/.ssh"));
    RunCommand("cp " + ShellQuote(State() + "/operator/.ssh/config") + " " +
               ShellQuote(home + "/.ssh/config"));
    std::ofstream(home + "/.ssh/known_hosts")
        << (key_line.empty() ? "" : std::string(kLinkAddress) + " " + key_line + "\n");
    return home;
  }

  // A home trusting a freshly generated key instead of the sshd's.
  static std::string WrongHome() {
    const std::string other = work_ + "/other_host_key";
    if (access(other.c_str(), R_OK) != 0) {
      RunCommand("ssh-keygen -q -t ed25519 -N '' -C not-the-host -f " + ShellQuote(other));
    }
    std::string pub = Trimmed(ReadFile(other + ".pub"));
    pub = pub.substr(0, pub.rfind(' '));  // "ssh-ed25519 AAAA..." without the comment
    return HomeWithKnownHost("wrong-home", pub);
  }

  static std::string SshdLog() { return ReadFile(State() + "/ssh/sshd.log"); }

  // `command` on the node over SSH from inside the lab namespace, trusting
  // only the host key recorded in its domain's metadata (read through the
  // local socket).
  static CommandResult SshToNode(const std::string& command) {
    std::unique_ptr<drivers::Hypervisor> hv = LabDriver("rmt", LocalUri());
    if (hv == nullptr) return {-1, "no driver on the local socket"};
    absl::StatusOr<drivers::DomainInfo> info = hv->GetDomain(kNode);
    if (!info.ok() || !info->owner) return {-1, "not a managed domain"};
    absl::StatusOr<std::string> ip = hv->DiscoverAddress(kNode, absl::Seconds(60));
    if (!ip.ok()) return {-1, "no address: " + ip.status().ToString()};
    const std::string known = work_ + "/known_hosts-node";
    std::ofstream(known) << *ip << " " << info->owner->host_public_key << "\n";
    return RunCommand(
        fmt::format("ip netns exec {} ssh -F /dev/null -i {} -o BatchMode=yes -o "
                    "StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null -o "
                    "ConnectTimeout=5 -o LogLevel=ERROR -o UserKnownHostsFile={} root@{} {} 2>&1",
                    kNs, ShellQuote(identity_), ShellQuote(known), *ip, ShellQuote(command)));
  }

  static std::string DomainField(const std::string& what) {
    return Trimmed(LocalVirsh(what + " " + kNode).output);
  }

  static inline std::string remote_uri_;
  static inline std::string work_;
  static inline std::string identity_;
  static inline bool applied_ = false;
  static inline int lock_fd_ = -1;
};

// This test verifies that a known_hosts entry with another key for the
// sshd's address makes the connection fail with ssh's own verdict before
// any login: `virsh` and `reconcile plan` both fail, naming "Host key
// verification failed", and the sshd accepted no key meanwhile.
TEST_F(RemoteHostE2eTest, WrongKnownHostsKeyIsRefusedBeforeLogin) {
  const std::string wrong = WrongHome();
  const size_t accepted_before = Count(SshdLog(), "Accepted publickey");
  CommandResult virsh = AsOperator("virsh -c " + ShellQuote(remote_uri_) + " uri", wrong);
  EXPECT_NE(virsh.exit_code, 0) << virsh.output;
  EXPECT_THAT(virsh.output, HasSubstr("REMOTE HOST IDENTIFICATION HAS CHANGED"));
  EXPECT_THAT(virsh.output, HasSubstr("Host key verification failed"));

  const std::string spec = WriteSpec(1, false);
  CommandResult plan = Reconcile("plan " + ShellQuote(spec), wrong);
  EXPECT_EQ(plan.exit_code, 1) << plan.output;
  EXPECT_THAT(plan.output, HasSubstr("Host key verification failed"));
  EXPECT_THAT(plan.output, Not(HasSubstr("create")));
  EXPECT_EQ(Count(SshdLog(), "Accepted publickey"), accepted_before) << SshdLog();
  EXPECT_THAT(Domains(), ::testing::IsEmpty());
}

// This test verifies that the ssh transport takes no known_hosts= URI
// parameter (it belongs to qemu+libssh): with an empty known_hosts in the
// operator's home, a URI naming the right known_hosts file still fails host
// key verification, so the file a spec names there is never what is checked.
TEST_F(RemoteHostE2eTest, KnownHostsUriParameterIsIgnoredBySshTransport) {
  const std::string empty = HomeWithKnownHost("empty-home", "");
  const std::string uri = remote_uri_ + "&known_hosts=" + State() + "/ssh/known_hosts";
  CommandResult virsh = AsOperator("virsh -c " + ShellQuote(uri) + " uri", empty);
  EXPECT_NE(virsh.exit_code, 0) << virsh.output;
  EXPECT_THAT(virsh.output, HasSubstr("Host key verification failed"));
}

// This test verifies why the spec's URI keeps no_verify=0: with no_verify=1
// (ssh -o StrictHostKeyChecking=no) OpenSSH only warns about a CHANGED host
// key and still logs in with the client key (the sshd logs the accepted
// key), so a wrong known_hosts entry no longer stops the connection, and
// libvirt shows no warning because the connection succeeded.
TEST_F(RemoteHostE2eTest, NoVerifyOneAcceptsAChangedHostKey) {
  std::string uri = remote_uri_;
  const size_t at = uri.find("no_verify=0");
  ASSERT_NE(at, std::string::npos) << uri;
  uri.replace(at, 11, "no_verify=1");
  const size_t accepted_before = Count(SshdLog(), "Accepted publickey");
  CommandResult virsh = AsOperator("virsh -c " + ShellQuote(uri) + " uri", WrongHome());
  EXPECT_EQ(virsh.exit_code, 0) << virsh.output;  // ssh's warning goes nowhere on success
  EXPECT_EQ(Count(SshdLog(), "Accepted publickey"), accepted_before + 1) << SshdLog();
}

// This test verifies that `reconcile apply` on a spec whose only host is the
// qemu+ssh URI creates the node on the remote daemon (seen there with virsh
// over its local socket: running, its overlay-less seed volume in the pool)
// and applies its role (the file and the command's result on the guest,
// read over SSH with the host key from the domain's metadata). It prints
// the connect time over qemu+ssh and over the local socket of the same
// daemon.
TEST_F(RemoteHostE2eTest, ApplyCreatesAndConfiguresANodeOverSsh) {
  Figure("connect + one call + close, qemu+ssh (virsh uri, median of 5)",
         Median(fmt::format("{} tests/lab/remote-operator.sh virsh -q -c {} uri >/dev/null 2>&1",
                            kEnv, ShellQuote(remote_uri_)),
                5));
  Figure("connect + one call + close, local socket (virsh uri, median of 5)",
         Median("virsh -q -c " + ShellQuote(LocalUri()) + " uri >/dev/null 2>&1", 5));

  const std::string spec = WriteSpec(1, false);
  const absl::Time start = absl::Now();
  CommandResult apply = Reconcile("apply " + ShellQuote(spec));
  const absl::Duration took = absl::Now() - start;
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  Figure("apply from empty over qemu+ssh (1 node, create + configure)", took);

  EXPECT_THAT(Domains(), ElementsAre(kNode));
  EXPECT_EQ(DomainField("domstate"), "running");
  EXPECT_THAT(Volumes(), ElementsAre("base.qcow2", std::string(kNode) + "-seed.iso"));
  CommandResult page = SshToNode("cat /srv/www/index.html /var/lib/web/started");
  EXPECT_EQ(page.exit_code, 0) << page.output;
  EXPECT_EQ(page.output, fmt::format("served by {}\n{}\n", kNode, kNode));
  applied_ = !HasFailure();
}

// This test verifies that a plan right after the apply is empty
// (`plan --detailed-exitcode` exits 0), over qemu+ssh, and prints what a
// no-op plan costs over it and over the daemon's local socket.
TEST_F(RemoteHostE2eTest, PlanAfterApplyIsEmpty) {
  ASSERT_TRUE(applied_) << "needs the node of ApplyCreatesAndConfiguresANodeOverSsh";
  const std::string spec = WriteSpec(1, false);
  CommandResult plan = Reconcile("plan --detailed-exitcode " + ShellQuote(spec));
  EXPECT_EQ(plan.exit_code, 0) << plan.output;

  Figure(
      "no-op plan over qemu+ssh (median of 3)",
      Median(fmt::format(
                 "{} tests/lab/remote-operator.sh {} plan --detailed-exitcode {} >/dev/null 2>&1",
                 kEnv, RECONCILE_BINARY, ShellQuote(spec)),
             3));
  const std::string local = WriteSpec(1, false, LocalUri());
  Figure("no-op plan over the local socket, same daemon (median of 3)",
         Median(fmt::format("{} plan --detailed-exitcode {} >/dev/null 2>&1", RECONCILE_BINARY,
                            ShellQuote(local)),
                3));
}

// This test verifies that with the remote sshd stopped the host is dark,
// never a reason to recreate: a one-host spec's plan and apply fail (exit 1)
// naming ssh's "Connection refused"; with a second, reachable host in the
// spec, plan and apply report "host remote unreachable: 1 node unknown
// (rmt-web-1); nothing is created in their place" and plan no action; the
// domain keeps running with the same id and UUID; with sshd back both specs
// plan nothing.
TEST_F(RemoteHostE2eTest, StoppedSshdIsADarkHostNotARecreate) {
  ASSERT_TRUE(applied_) << "needs the node of ApplyCreatesAndConfiguresANodeOverSsh";
  const std::string one = WriteSpec(1, false);
  const std::string two = WriteSpec(1, true);
  CommandResult both_up = Reconcile("plan --detailed-exitcode " + ShellQuote(two));
  ASSERT_EQ(both_up.exit_code, 0) << both_up.output;
  const std::string id = DomainField("domid");
  const std::string uuid = DomainField("domuuid");

  CommandResult stopped = Script("remote-sshd.sh stop");
  ASSERT_EQ(stopped.exit_code, 0) << stopped.output;

  for (const char* verb : {"plan", "apply"}) {
    CommandResult r = Reconcile(std::string(verb) + " " + ShellQuote(one));
    EXPECT_EQ(r.exit_code, 1) << verb << "\n" << r.output;
    EXPECT_THAT(r.output, HasSubstr("Connection refused")) << verb;
    EXPECT_THAT(r.output, Not(HasSubstr("create:"))) << verb;
  }
  for (const char* verb : {"plan", "apply"}) {
    CommandResult r = Reconcile(std::string(verb) + " " + ShellQuote(two));
    EXPECT_EQ(r.exit_code, 1) << verb << "\n" << r.output;
    EXPECT_THAT(r.output, HasSubstr("host remote unreachable: 1 node unknown (rmt-web-1); "
                                    "nothing is created in their place"))
        << verb;
    EXPECT_THAT(r.output, HasSubstr("Connection refused")) << verb;
    EXPECT_THAT(r.output, HasSubstr("Plan: 0 to create, 0 to start, 0 to update, 0 to configure, "
                                    "0 to replace, 0 to delete; 1 error."))
        << verb;
  }
  CommandResult status = Reconcile("status " + ShellQuote(two));
  EXPECT_THAT(status.output, HasSubstr("host remote: 0 nodes; unreachable, 1 unknown"));

  EXPECT_THAT(Domains(), ElementsAre(kNode));
  EXPECT_EQ(DomainField("domstate"), "running");
  EXPECT_EQ(DomainField("domid"), id) << "not restarted";
  EXPECT_EQ(DomainField("domuuid"), uuid) << "not recreated";

  CommandResult started = Script("remote-sshd.sh start");
  ASSERT_EQ(started.exit_code, 0) << started.output;
  for (const std::string& spec : {one, two}) {
    CommandResult back = Reconcile("plan --detailed-exitcode " + ShellQuote(spec));
    EXPECT_EQ(back.exit_code, 0) << spec << "\n" << back.output;
  }
}

// This test verifies that a daemon that goes silent under an open
// connection of the driver holds a call no longer than keepalive allows: on
// the lab daemon's local socket (libvirt offers keepalive there too) with
// keepalive 1 s x 2, the daemon is stopped (SIGSTOP: its socket stays open,
// nothing answers), and a call waiting on the connection fails within
// 1 s x (2 + 1) plus 2 s (libvirt counts in whole seconds), as kUnavailable
// naming the keepalive timeout; once the daemon runs again the Connection's
// next use opens a new connection.
TEST_F(RemoteHostE2eTest, SilentDaemonFailsACallWithinKeepalive) {
  namespace lv = drivers::libvirt;
  const lv::KeepaliveOptions keepalive{.interval_seconds = 1, .count = 2};
  lv::Connection connection(LocalUri(), keepalive);
  absl::StatusOr<lv::ConnectionHandle> held = connection.Get();
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(connection.keepalive(), lv::KeepaliveState::kOn);

  const std::string pid = Trimmed(ReadFile(State() + "/libvirtd.pid"));
  ASSERT_FALSE(pid.empty());
  ASSERT_EQ(RunCommand("kill -STOP " + pid).exit_code, 0);
  absl::Cleanup resume = [&] { RunCommand("kill -CONT " + pid); };
  const absl::Time start = absl::Now();
  virDomainPtr* domains = nullptr;
  const int listed = virConnectListAllDomains(held->get(), &domains, 0);
  const absl::Duration took = absl::Now() - start;
  const absl::Status status = lv::LastLibvirtError("list domains");
  std::move(resume).Invoke();
  for (int i = 0; i < listed; ++i) virDomainFree(domains[i]);
  free(domains);

  EXPECT_EQ(listed, -1) << "the daemon was stopped";
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(status.message(), HasSubstr("keepalive"));
  EXPECT_LE(took, keepalive.DetectionTime() + absl::Seconds(2));
  Figure("call on a silent daemon (SIGSTOP) until keepalive 1 s x 2 fails it", took);

  absl::StatusOr<lv::ConnectionHandle> again = connection.Get();
  EXPECT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(connection.reconnects(), 1);
  EXPECT_EQ(connection.keepalive(), lv::KeepaliveState::kOn);
}

// Timestamps of the first `count` occurrences of `needle` in `path` after
// byte `from`, as seen by polling every 250 ms (fewer on timeout).
std::vector<absl::Time> Arrivals(const std::string& path, const std::string& needle, size_t from,
                                 size_t count, absl::Duration timeout) {
  std::vector<absl::Time> seen;
  const absl::Time deadline = absl::Now() + timeout;
  while (seen.size() < count && absl::Now() < deadline) {
    const std::string log = ReadFile(path);
    const size_t n = log.size() > from ? Count(log.substr(from), needle) : 0;
    while (seen.size() < std::min(n, count)) seen.push_back(absl::Now());
    absl::SleepFor(absl::Milliseconds(250));
  }
  return seen;
}

// This test verifies a link that dies under an open qemu+ssh connection
// (`watch` keeps its connection), with nothing in the operator's ssh config
// to notice it (no ServerAliveInterval, checked with `ssh -G`): the remote
// end of the veth is taken down, so packets go unanswered. reconcile's
// libvirt keepalive (5 s x 3) ends the dead connection, so the first pass
// reports the host unreachable, naming the keepalive, within
//   5 s x (3 + 1) = 20 s after the daemon last spoke (no later than the
//   cut), + 1 s (libvirt counts whole seconds), + one 2 s pass interval
//   (the loop may close it between passes), + one failed reconnect (ARP
//   gives up after 3 s; the lab's ssh ConnectTimeout caps it at 5 s), + 2 s
//   for polling and the loaded machine = 30 s,
// and every later pass during the outage reports it again within 2 s
// (interval) + 5 s (reconnect) + 3 s = 10 s of the previous one: no pass
// blocks for the outage, as one did (75 s, until the link came back) before
// the driver ran keepalive. The passes act on nothing, the domain is
// untouched, and once the link is back a pass converges with no change.
// `watch` exits 0 on SIGTERM.
TEST_F(RemoteHostE2eTest, LinkCutUnderWatchIsADarkHostUntilItIsBack) {
  ASSERT_TRUE(applied_) << "needs the node of ApplyCreatesAndConfiguresANodeOverSsh";
  CommandResult ssh_config = AsOperator(fmt::format("ssh -G {}", kLinkAddress));
  ASSERT_EQ(ssh_config.exit_code, 0) << ssh_config.output;
  ASSERT_THAT(ssh_config.output, HasSubstr("serveraliveinterval 0"))
      << "the operator's ssh must not notice a dead link by itself";

  const absl::Duration pass_interval = absl::Seconds(2);
  const absl::Duration reconnect = absl::Seconds(5);  // the lab's ssh ConnectTimeout
  const absl::Duration first_bound = drivers::libvirt::KeepaliveOptions{}.DetectionTime() +
                                     absl::Seconds(1) + pass_interval + reconnect +
                                     absl::Seconds(2);
  const absl::Duration pass_bound = pass_interval + reconnect + absl::Seconds(3);

  const std::string two = WriteSpec(1, true);
  const std::string id = DomainField("domid");
  const std::string log = work_ + "/watch.log";
  // As the operator (its ~/.ssh), through remote-operator.sh, which execs
  // all the way down, so the PID is reconcile's.
  BackgroundReconcile watch({"watch", "--interval", "2s", two}, log,
                            {"/usr/bin/env", std::string("LAB_DIR=") + kDir,
                             "tests/lab/remote-operator.sh"});
  ASSERT_TRUE(WaitForLog(log, "converged, no changes", 0, 1, absl::Seconds(60))) << ReadFile(log);

  size_t mark = ReadFile(log).size();
  const absl::Time cut = absl::Now();
  CommandResult down = RunCommand(fmt::format("ip -n {} link set ssh0 down 2>&1", kNs));
  ASSERT_EQ(down.exit_code, 0) << down.output;
  // The later tests need the link, whatever fails here: up, and sshd
  // reachable through it again (neighbour resolution starts afresh).
  absl::Cleanup link_up = [] {
    RunCommand(fmt::format("ip -n {} link set ssh0 up", kNs));
    RunCommand(
        fmt::format("for _ in $(seq 1 20); do timeout 1 bash -c '</dev/tcp/{}/22' 2>/dev/null && "
                    "exit 0; sleep 0.5; done",
                    kLinkAddress));
  };
  const std::string dark = "host remote unreachable: 1 node unknown (rmt-web-1)";
  // Long enough to tell "late" from "blocked until the link is back".
  const std::vector<absl::Time> reports =
      Arrivals(log, dark, mark, 4, first_bound + 3 * pass_bound + absl::Seconds(30));
  ASSERT_FALSE(reports.empty()) << "no pass reported the host within "
                                << absl::FormatDuration(first_bound + 3 * pass_bound +
                                                        absl::Seconds(30))
                                << ": one is blocked on the dead link\n"
                                << ReadFile(log);
  const absl::Duration to_report = reports.front() - cut;
  Figure("link cut under watch until a pass reports the host unreachable (keepalive 5 s x 3)",
         to_report);
  EXPECT_LE(to_report, first_bound) << ReadFile(log);
  const std::string after_cut = ReadFile(log).substr(mark);
  EXPECT_THAT(after_cut, HasSubstr("keepalive")) << "noticed by the keepalive\n" << after_cut;
  ASSERT_EQ(reports.size(), 4u) << "dark on every pass\n" << ReadFile(log);
  absl::Duration longest;
  for (size_t i = 1; i < reports.size(); ++i) {
    longest = std::max(longest, reports[i] - reports[i - 1]);
  }
  Figure("link down: longest time between passes reporting it unreachable (3 passes)", longest);
  EXPECT_LE(longest, pass_bound) << ReadFile(log);
  EXPECT_THAT(Domains(), ElementsAre(kNode));
  EXPECT_EQ(DomainField("domid"), id);

  mark = ReadFile(log).size();
  const absl::Time restored = absl::Now();
  CommandResult up = RunCommand(fmt::format("ip -n {} link set ssh0 up 2>&1", kNs));
  ASSERT_EQ(up.exit_code, 0) << up.output;
  std::move(link_up).Cancel();
  const bool rejoined = WaitForLog(log, "converged, no changes", mark, 1, absl::Seconds(60));
  EXPECT_TRUE(rejoined) << ReadFile(log);
  if (rejoined) Figure("link back until watch converges again", absl::Now() - restored);

  EXPECT_EQ(watch.Terminate(), 0) << ReadFile(log);
  const std::string text = ReadFile(log);
  EXPECT_THAT(text, Not(HasSubstr(" ok, "))) << "no pass acted:\n" << text;
  EXPECT_THAT(text, Not(HasSubstr("failed after"))) << "no pass failed:\n" << text;
  EXPECT_THAT(Domains(), ElementsAre(kNode));
  EXPECT_EQ(DomainField("domid"), id) << "not restarted";
}

// This test verifies that count 0 with prune deletes the node on the remote
// host over qemu+ssh: the domain is gone and only the base image is left in
// the pool; a plan afterwards is empty.
TEST_F(RemoteHostE2eTest, ScaleToZeroDeletesTheDomainAndItsVolumes) {
  ASSERT_TRUE(applied_) << "needs the node of ApplyCreatesAndConfiguresANodeOverSsh";
  const std::string spec = WriteSpec(0, false);
  CommandResult plan = Reconcile("plan " + ShellQuote(spec));
  EXPECT_THAT(plan.output, HasSubstr(std::string("- ") + kNode));
  CommandResult apply = Reconcile("apply " + ShellQuote(spec));
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  EXPECT_THAT(Domains(), ::testing::IsEmpty());
  EXPECT_THAT(Volumes(), ElementsAre("base.qcow2"));
  CommandResult again = Reconcile("plan --detailed-exitcode " + ShellQuote(spec));
  EXPECT_EQ(again.exit_code, 0) << again.output;
}

}  // namespace
}  // namespace reconcile::testing
