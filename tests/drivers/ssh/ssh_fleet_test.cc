// This test verifies, against real sshd nodes, the connection side of the SSH
// driver: host keys are verified (mismatch and unknown keys refused, with the
// opt-in and known_hosts paths working), auth failures and dead ports map to
// the right codes, a node killed mid-command yields a clean kUnavailable and
// the pool re-dials once it is back, netns dialling works, and 50 nodes are
// probed in parallel in one round trip each.
#include <libssh/libssh.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "base/parallel.h"
#include "drivers/ssh/host_key_policy.h"
#include "drivers/ssh/ssh_node_shell.h"
#include "gmock/gmock.h"
#include "tests/drivers/ssh/fleet_fixture.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::ssh {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::IsOkAndHolds;
using ::reconcile::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

using SshFleetTest = FleetTest;

std::string Fingerprint(const std::string& line) {
  absl::StatusOr<HostKey> k = ParseOpenSshPublicKey(line);
  return k.ok() ? k->fingerprint : "unparsable";
}

TEST_F(SshFleetTest, HostKeyMismatchIsRefusedNamingBothFingerprints) {
  SshNodeShell shell;
  SshTarget t = Target(1);
  t.expected_host_keys = {HostKeyLine(2)};  // someone else's key
  t.accept_unknown_host_keys = true;        // must not override an expectation
  EXPECT_THAT(shell.Run(t, "true", In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("MISMATCH"), HasSubstr(Name(1)), HasSubstr(Address(1)),
                             HasSubstr(Fingerprint(HostKeyLine(1))),
                             HasSubstr(Fingerprint(HostKeyLine(2))))));
}

TEST_F(SshFleetTest, UnknownHostKeyIsRefusedUnlessOptedIn) {
  SshNodeShell shell;
  SshTarget t = Target(6);
  t.expected_host_keys.clear();
  EXPECT_THAT(shell.Run(t, "true", In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("unknown host key"), HasSubstr(Name(6)),
                             HasSubstr(Fingerprint(HostKeyLine(6))))));
  t.accept_unknown_host_keys = true;
  EXPECT_THAT(shell.Run(t, "true", In(absl::Seconds(20))), IsOk());
}

TEST_F(SshFleetTest, KnownHostsFileVerifiesOrRefuses) {
  const std::string file = FleetDir() + "/known_hosts_test";
  SshNodeShell shell;
  SshTarget t = Target(7);
  t.expected_host_keys.clear();
  t.known_hosts_file = file;
  std::ofstream(file) << Address(7) << " " << HostKeyLine(7) << "\n";
  EXPECT_THAT(shell.Run(t, "true", In(absl::Seconds(20))), IsOk());

  SshNodeShell other;
  std::ofstream(file) << Address(7) << " " << HostKeyLine(8) << "\n";
  EXPECT_THAT(other.Run(t, "true", In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr(file), HasSubstr(Fingerprint(HostKeyLine(7))),
                             HasSubstr(Fingerprint(HostKeyLine(8))))));
  std::filesystem::remove(file);
}

TEST_F(SshFleetTest, AuthFailureAndDeadPortsMapToTheirCodes) {
  const std::string stranger = FleetDir() + "/stranger_key";
  ssh_key key = nullptr;
  ASSERT_EQ(ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key), SSH_OK);
  ASSERT_EQ(ssh_pki_export_privkey_file(key, nullptr, nullptr, nullptr, stranger.c_str()), SSH_OK);
  ssh_key_free(key);
  SshNodeShell shell;
  SshTarget t = Target(8);
  t.identity_file = stranger;
  EXPECT_THAT(shell.Run(t, "true", In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr(Name(8))));
  std::filesystem::remove(stranger);

  t = Target(8);
  t.port = 2222;  // nothing listens
  EXPECT_THAT(shell.Run(t, "true", In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("refused"), HasSubstr(Address(8) + ":2222"))));

  t = Target(8);
  t.host = "10.215.200.200";  // on the fleet's bridge, but nobody has it
  t.connect_timeout = absl::Seconds(1);
  const absl::Time start = absl::Now();
  EXPECT_THAT(shell.Run(t, "true", In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr(Name(8))));
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));
}

TEST_F(SshFleetTest, DialsInsideANetworkNamespace) {
  SshNodeShell shell;
  SshTarget t = Target(9);
  t.netns = Name(9);
  t.host = "127.0.0.1";  // node 9's own loopback: reachable only from inside its netns
  absl::StatusOr<CommandResult> r = shell.Run(t, "hostname", In(absl::Seconds(20)));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->stdout_data, Name(9) + "\n");
  t.netns = "rcft-no-such-ns";
  EXPECT_THAT(shell.Run(t, "true", In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("rcft-no-such-ns")));
}

TEST_F(SshFleetTest, DialsThroughAJumpHostVerifiedByKnownHosts) {
  const std::string file = FleetDir() + "/known_hosts_jump";
  SshNodeShell shell;
  SshTarget t = Target(15);           // the node's own key stays expected
  t.jump_host = "root@" + Address(14);  // reached through node 14
  t.known_hosts_file = file;
  std::ofstream(file) << Address(14) << " " << HostKeyLine(14) << "\n";
  absl::StatusOr<CommandResult> r = shell.Run(t, "hostname", In(absl::Seconds(20)));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->stdout_data, Name(15) + "\n");
  std::string big(3 << 20, 'j');  // a few MB both ways through the tunnel
  ASSERT_THAT(shell.Upload(t, "/root/through-jump", big, 0600, "", In(absl::Seconds(60))), IsOk());
  EXPECT_THAT(shell.ReadFile(t, "/root/through-jump", 4 << 20, In(absl::Seconds(60))),
              IsOkAndHolds(big));

  SshNodeShell strict;
  std::ofstream(file) << Address(14) << " " << HostKeyLine(13) << "\n";  // wrong key
  EXPECT_THAT(strict.Run(t, "true", In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("jump host"), HasSubstr(Fingerprint(HostKeyLine(14))))));
  std::filesystem::remove(file);
}

TEST_F(SshFleetTest, NodeKilledMidCommandFailsCleanlyAndThePoolRedials) {
  SshNodeShell shell;
  const SshTarget busy = Target(10), idle = Target(11);
  ASSERT_THAT(shell.Run(idle, "true", In(absl::Seconds(20))), IsOk());

  absl::StatusOr<CommandResult> interrupted;
  absl::Time failed_at;
  std::thread worker([&] {
    interrupted = shell.Run(busy, "sleep 30; echo finished", In(absl::Seconds(60)));
    failed_at = absl::Now();
  });
  absl::SleepFor(absl::Seconds(1));
  ASSERT_EQ(Fleet("stop 10 11"), 0);
  const absl::Time killed_at = absl::Now();
  worker.join();
  EXPECT_THAT(interrupted, StatusIs(absl::StatusCode::kUnavailable, HasSubstr(Name(10))));
  EXPECT_LT(failed_at - killed_at, absl::Seconds(5));
  EXPECT_THAT(shell.Run(busy, "true", In(absl::Seconds(10))),
              StatusIs(absl::StatusCode::kUnavailable));  // still down

  ASSERT_EQ(Fleet("up " + std::to_string(kNodes)), 0);
  const size_t dials_before = shell.pool().dials();
  absl::StatusOr<CommandResult> back = shell.Run(busy, "echo back", In(absl::Seconds(20)));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->stdout_data, "back\n");
  // The idle session died silently; it is replaced without the caller noticing.
  absl::StatusOr<CommandResult> idle_back = shell.Run(idle, "hostname", In(absl::Seconds(20)));
  ASSERT_THAT(idle_back, IsOk());
  EXPECT_EQ(idle_back->stdout_data, Name(11) + "\n");
  EXPECT_EQ(shell.pool().dials(), dials_before + 2);
}

TEST_F(SshFleetTest, FiftyNodesProbedInParallel) {
  SshNodeShell shell;
  // Odd nodes have a recorded hash for role "web".
  ForEachBounded(kNodes, 16, [&](size_t i) {
    int k = static_cast<int>(i) + 1;
    std::string cmd = "rm -rf /root/state && mkdir -p /root/state/roles";
    if (k % 2 == 1) cmd += " && printf 'hash-" + std::to_string(k) + "\\n' > /root/state/roles/web.hash";
    EXPECT_THAT(shell.Run(Target(k), cmd, In(absl::Seconds(60))), IsOk()) << Name(k);
  });
  ProbeRequest req;
  req.state_dir = "/root/state";
  req.roles = {"web", "db"};
  req.checks = {{"web/ready", "test -e /root/state/roles/web.hash"}, {"always", "exit 0"}};

  for (int pass = 0; pass < 2; ++pass) {
    std::vector<absl::StatusOr<ProbeResult>> results(kNodes, absl::UnknownError("not run"));
    const absl::Time start = absl::Now();
    ForEachBounded(kNodes, 25, [&](size_t i) {
      results[i] = shell.Probe(Target(static_cast<int>(i) + 1), req, In(absl::Seconds(60)));
    });
    std::cerr << "pass " << pass << ": probed " << kNodes << " nodes in "
              << absl::FormatDuration(absl::Now() - start) << "\n";
    for (int k = 1; k <= kNodes; ++k) {
      const absl::StatusOr<ProbeResult>& r = results[k - 1];
      ASSERT_THAT(r, IsOk()) << Name(k);
      EXPECT_EQ(r->hostname, Name(k));
      EXPECT_EQ(r->boot_id.size(), 36u);
      EXPECT_GT(r->uptime, absl::ZeroDuration());
      EXPECT_FALSE(r->role_hashes.count("db"));
      if (k % 2 == 1) {
        EXPECT_EQ(r->role_hashes.at("web"), "hash-" + std::to_string(k));
        EXPECT_EQ(r->check_exit_status.at("web/ready"), 0);
      } else {
        EXPECT_FALSE(r->role_hashes.count("web"));
        EXPECT_EQ(r->check_exit_status.at("web/ready"), 1);
      }
      EXPECT_EQ(r->check_exit_status.at("always"), 0);
    }
  }
  EXPECT_EQ(shell.pool().dials(), static_cast<size_t>(kNodes));  // all passes reused sessions
  EXPECT_EQ(shell.pool().open_sessions(), static_cast<size_t>(kNodes));
}

TEST_F(SshFleetTest, ProbeSurvivesACheckThatKillsTheProbeShell) {
  SshNodeShell shell;
  ProbeRequest req;
  req.checks = {{"ok", "true"}};
  ASSERT_THAT(shell.Probe(Target(12), req, In(absl::Seconds(20))), IsOk());
  ProbeRequest hostile = req;
  hostile.checks.push_back({"killer", "kill -9 $$"});  // $$: the long-lived shell
  EXPECT_THAT(shell.Probe(Target(12), hostile, In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr(Name(12))));
  absl::StatusOr<ProbeResult> again = shell.Probe(Target(12), req, In(absl::Seconds(20)));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->hostname, Name(12));
  EXPECT_EQ(again->check_exit_status.at("ok"), 0);
}

TEST_F(SshFleetTest, ProbeThatOutlivesItsDeadlineIsCutOff) {
  SshNodeShell shell;
  ProbeRequest req;
  req.checks = {{"slow", "sleep 1000"}};
  const absl::Time start = absl::Now();
  EXPECT_THAT(shell.Probe(Target(13), req, start + absl::Seconds(2)),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr(Name(13))));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  req.checks = {{"fast", "true"}};
  EXPECT_THAT(shell.Probe(Target(13), req, In(absl::Seconds(20))), IsOk());
}

// This test verifies that under `become` commands, the probe shell and
// uploads go through sudo (which sets SUDO_USER), an upload gets the asked mode
// and owner, and nothing staged is left in the login user's home.
TEST_F(SshFleetTest, BecomeGoesThroughSudoAndLeavesNothingStaged) {
  SshNodeShell shell;
  SshTarget t = Target(14);
  t.become = true;
  absl::StatusOr<CommandResult> who = shell.Run(t, "echo \"$SUDO_USER:$(id -u)\"", In(absl::Seconds(20)));
  ASSERT_THAT(who, IsOk());
  EXPECT_EQ(who->stdout_data, "root:0\n");
  ProbeRequest req;
  req.checks = {{"sudo", "test -n \"$SUDO_USER\""}};
  absl::StatusOr<ProbeResult> probe = shell.Probe(t, req, In(absl::Seconds(20)));
  ASSERT_THAT(probe, IsOk());
  EXPECT_EQ(probe->check_exit_status.at("sudo"), 0);

  const std::string dir = "/tmp/rc-become-" + std::to_string(getpid());
  ASSERT_THAT(shell.Run(t, "mkdir -p " + dir, In(absl::Seconds(20))), IsOk());
  const std::string path = dir + "/secret.conf";
  ASSERT_THAT(shell.Upload(t, path, "k=v\n", 0640, "nobody", In(absl::Seconds(20))), IsOk());
  absl::StatusOr<CommandResult> st =
      shell.Run(t, "stat -c '%a %U %G' " + path + "; ls -a ~ " + dir, In(absl::Seconds(20)));
  ASSERT_THAT(st, IsOk());
  EXPECT_THAT(st->stdout_data, ::testing::StartsWith("640 nobody root\n"));
  EXPECT_THAT(st->stdout_data, ::testing::Not(HasSubstr(".rcn-")));
  EXPECT_THAT(shell.ReadFile(t, path, 1024, In(absl::Seconds(20))), IsOkAndHolds("k=v\n"));
  EXPECT_THAT(shell.ReadFile(t, path, 2, In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("larger than 2 bytes")));
  EXPECT_THAT(shell.ReadFile(t, path + ".nope", 1024, In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kNotFound));
  (void)shell.Run(t, "rm -rf " + dir, In(absl::Seconds(20)));
}

}  // namespace
}  // namespace reconcile::drivers::ssh
