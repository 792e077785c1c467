// This test verifies, against real sshd nodes, that Run returns output and
// exit codes, bounds output, honours deadlines (and the pool still works
// afterwards), and that Upload replaces files atomically with the asked mode
// and owner while ReadFile reads them back.
#include <atomic>
#include <filesystem>
#include <thread>

#include "drivers/ssh/ssh_node_shell.h"
#include "gmock/gmock.h"
#include "tests/drivers/ssh/fleet_fixture.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::ssh {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

using SshExecTest = FleetTest;

size_t CountEntries(const char* dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST_F(SshExecTest, RunReturnsOutputAndExitStatus) {
  SshNodeShell shell;
  absl::StatusOr<CommandResult> r =
      shell.Run(Target(1), "hostname; echo to-stderr >&2; exit 7", In(absl::Seconds(20)));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->exit_status, 7);
  EXPECT_EQ(r->stdout_data, Name(1) + "\n");
  EXPECT_EQ(r->stderr_data, "to-stderr\n");
  EXPECT_FALSE(r->stdout_truncated);
  // Killed by a signal: libssh 0.10 reports no exit status.
  absl::StatusOr<CommandResult> killed = shell.Run(Target(1), "kill -9 $$", In(absl::Seconds(20)));
  ASSERT_THAT(killed, IsOk());
  EXPECT_EQ(killed->exit_status, -1);
  // The session is reused: more commands cost no new connection.
  ASSERT_THAT(shell.Run(Target(1), "true", In(absl::Seconds(20))), IsOk());
  EXPECT_EQ(shell.pool().dials(), 1u);
}

TEST_F(SshExecTest, LargeOutputArrivesWholeOrTruncatedAtTheBound) {
  SshNodeShell roomy;  // default bound 8 MiB
  absl::StatusOr<CommandResult> whole = roomy.Run(
      Target(2), "head -c 5000000 /dev/zero | tr '\\0' x; head -c 300000 /dev/zero >&2",
      In(absl::Seconds(60)));
  ASSERT_THAT(whole, IsOk());
  EXPECT_EQ(whole->exit_status, 0);
  EXPECT_EQ(whole->stdout_data, std::string(5000000, 'x'));
  EXPECT_EQ(whole->stderr_data.size(), 300000u);
  EXPECT_FALSE(whole->stdout_truncated);

  SshNodeShell bounded(SshShellOptions{.max_output_bytes = 1 << 20});
  absl::StatusOr<CommandResult> cut = bounded.Run(
      Target(2), "head -c 6000000 /dev/zero | tr '\\0' y; echo done >&2; exit 3",
      In(absl::Seconds(60)));
  ASSERT_THAT(cut, IsOk());
  EXPECT_EQ(cut->exit_status, 3);  // drained to the end: the real exit status
  EXPECT_EQ(cut->stdout_data, std::string(1 << 20, 'y'));
  EXPECT_TRUE(cut->stdout_truncated);
  EXPECT_EQ(cut->stderr_data, "done\n");
  EXPECT_FALSE(cut->stderr_truncated);
}

TEST_F(SshExecTest, CommandThatNeverEndsHitsTheDeadlineAndThePoolRecovers) {
  SshNodeShell shell;
  ASSERT_THAT(shell.Run(Target(3), "true", In(absl::Seconds(20))), IsOk());
  const absl::Time start = absl::Now();
  // The command's text is not repeated: a cut secret would escape redaction.
  EXPECT_THAT(shell.Run(Target(3), "sleep 1000 # tok-3f9a1c", start + absl::Seconds(2)),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       AllOf(Not(HasSubstr("sleep 1000")), Not(HasSubstr("tok-3f9a1c")),
                             HasSubstr(Name(3)))));
  const absl::Duration took = absl::Now() - start;
  EXPECT_GE(took, absl::Seconds(2));
  EXPECT_LT(took, absl::Seconds(3));
  absl::StatusOr<CommandResult> after = shell.Run(Target(3), "echo alive", In(absl::Seconds(20)));
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->stdout_data, "alive\n");
}

TEST_F(SshExecTest, UploadSetsContentModeAndOwnerAndReadFileReadsIt) {
  SshNodeShell shell;
  const SshTarget t = Target(4);
  ASSERT_THAT(shell.Run(t, "rm -rf /root/up && mkdir /root/up", In(absl::Seconds(20))), IsOk());
  std::string content = "line one\nbinary \x01\x02\xff\n";
  content += std::string(200000, 'z');  // several SFTP chunks
  ASSERT_THAT(shell.Upload(t, "/root/up/conf", content, 0640, "", In(absl::Seconds(30))), IsOk());
  absl::StatusOr<std::string> back = shell.ReadFile(t, "/root/up/conf", 1 << 20, In(absl::Seconds(30)));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, content);
  absl::StatusOr<CommandResult> st = shell.Run(t, "stat -c '%a %U' /root/up/conf", In(absl::Seconds(20)));
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(st->stdout_data, "640 root\n");

  ASSERT_THAT(shell.Upload(t, "/root/up/owned", "x", 0600, "nobody:nogroup", In(absl::Seconds(30))),
              IsOk());
  st = shell.Run(t, "stat -c '%a %U:%G' /root/up/owned", In(absl::Seconds(20)));
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(st->stdout_data, "600 nobody:nogroup\n");

  EXPECT_THAT(shell.ReadFile(t, "/root/up/missing", 100, In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(Name(4))));
  EXPECT_THAT(shell.ReadFile(t, "/root/up/conf", 1000, In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("larger than 1000")));
  EXPECT_THAT(shell.Upload(t, "/root/no-such-dir/f", "x", 0644, "", In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(shell.Upload(t, "/root/up/bad-owner", "x", 0644, "no-such-user", In(absl::Seconds(20))),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no-such-user")));
  // A file-level failure does not cost the session, and leaves no temp file.
  absl::StatusOr<CommandResult> ls = shell.Run(t, "ls -A /root/up", In(absl::Seconds(20)));
  ASSERT_THAT(ls, IsOk());
  EXPECT_EQ(ls->stdout_data, "conf\nowned\n");
  EXPECT_EQ(shell.pool().dials(), 1u);
}

TEST_F(SshExecTest, UploadReplacesAtomicallyWhileAReaderWatches) {
  SshNodeShell writer, watcher;
  const SshTarget t = Target(5);
  const std::string a(300000, 'a'), b(300000, 'b');
  ASSERT_THAT(writer.Run(t, "rm -rf /root/atomic && mkdir /root/atomic", In(absl::Seconds(20))),
              IsOk());
  ASSERT_THAT(writer.Upload(t, "/root/atomic/f", a, 0600, "", In(absl::Seconds(30))), IsOk());

  // The reader records the checksum of every whole read for ~3 s; a partial
  // file would show up as a third checksum.
  std::atomic<bool> reading_done{false};
  absl::StatusOr<CommandResult> seen;
  std::thread reader([&] {
    seen = watcher.Run(t,
                       "bash -c 'end=$((SECONDS+3)); while (( SECONDS < end )); do "
                       "cksum < /root/atomic/f; done | sort | uniq -c'",
                       In(absl::Seconds(30)));
    reading_done = true;
  });
  int uploads = 0;
  absl::Status upload_status;
  while (!reading_done && upload_status.ok()) {
    bool odd = uploads % 2 == 1;
    upload_status = writer.Upload(t, "/root/atomic/f", odd ? a : b, odd ? 0600 : 0644, "",
                                  In(absl::Seconds(30)));
    if (upload_status.ok()) ++uploads;
  }
  reader.join();
  ASSERT_THAT(upload_status, IsOk());
  ASSERT_THAT(seen, IsOk());
  absl::StatusOr<CommandResult> sums =
      writer.Run(t, "for c in a b; do head -c 300000 /dev/zero | tr '\\0' $c | cksum; done",
                 In(absl::Seconds(30)));
  ASSERT_THAT(sums, IsOk());
  std::istringstream lines(seen->stdout_data);
  std::string count, sum, size;
  int reads = 0;
  while (lines >> count >> sum >> size) {
    EXPECT_THAT(sums->stdout_data, HasSubstr(sum + " " + size)) << seen->stdout_data;
    reads += std::stoi(count);
  }
  EXPECT_GT(uploads, 3);
  EXPECT_GT(reads, 10);
  EXPECT_EQ(seen->stderr_data, "");  // the path always existed

  // The last upload won, with its mode, and no temporary file is left.
  bool last_odd = (uploads - 1) % 2 == 1;
  absl::StatusOr<std::string> final_content =
      writer.ReadFile(t, "/root/atomic/f", 1 << 20, In(absl::Seconds(20)));
  ASSERT_THAT(final_content, IsOk());
  EXPECT_EQ(*final_content, last_odd ? a : b);
  absl::StatusOr<CommandResult> ls =
      writer.Run(t, "stat -c %a /root/atomic/f; ls -A /root/atomic", In(absl::Seconds(20)));
  ASSERT_THAT(ls, IsOk());
  EXPECT_EQ(ls->stdout_data, std::string(last_odd ? "600" : "644") + "\nf\n");
}

TEST_F(SshExecTest, ClosingTheShellLeavesNoDescriptorsOrThreads) {
  const size_t fds = CountEntries("/proc/self/fd"), threads = CountEntries("/proc/self/task");
  {
    SshNodeShell shell;
    for (int k = 6; k <= 8; ++k) {
      EXPECT_THAT(shell.Run(Target(k), "true", In(absl::Seconds(20))), IsOk());
      EXPECT_THAT(shell.Probe(Target(k), ProbeRequest{}, In(absl::Seconds(20))), IsOk());
      EXPECT_THAT(shell.Upload(Target(k), "/root/leak-check", "x", 0600, "", In(absl::Seconds(20))),
                  IsOk());
    }
    SshTarget refused = Target(6);
    refused.port = 2222;
    EXPECT_THAT(shell.Run(refused, "true", In(absl::Seconds(20))),
                StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_GT(CountEntries("/proc/self/fd"), fds);  // the sessions are open
  }
  EXPECT_EQ(CountEntries("/proc/self/fd"), fds);
  EXPECT_EQ(CountEntries("/proc/self/task"), threads);
}

}  // namespace
}  // namespace reconcile::drivers::ssh
