// This test verifies that the probe script quotes every role name and check
// command, that each check runs isolated in its own shell, and that the parser
// recovers exactly the values the script printed (and refuses partial output).
#include "drivers/ssh/probe_script.h"

#include <stdio.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::ssh {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr char kNonce[] = "n0nce12345678";

// Runs `script` with /bin/sh locally in directory `cwd` and returns its stdout.
std::string RunLocally(const std::string& script, const std::filesystem::path& cwd) {
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("probe_script_test_" + std::to_string(::getpid()) + ".sh");
  std::ofstream(file) << script;
  std::string out;
  std::string cmd = "cd '" + cwd.string() + "' && /bin/sh " + file.string();
  FILE* pipe = ::popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  ::pclose(pipe);
  std::filesystem::remove(file);
  return out;
}

TEST(ProbeScript, ParsesHandWrittenOutput) {
  ProbeRequest req;
  req.roles = {"base", "web"};
  req.checks = {{"web/install", "true"}, {"base/users", "false"}};
  std::string d = std::string("\n@@rcprobe-") + kNonce + " ";
  std::string out = d + "host\nnode-7" + d + "boot\n1f2e-33" + d + "uptime\n1234.50 99.1" + d +
                    "role 1\nabc123" + d + "check 0 0" + d + "check 1 1" + d + "end\n";
  absl::StatusOr<ProbeResult> r = ParseProbeOutput(req, kNonce, out);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->hostname, "node-7");
  EXPECT_EQ(r->boot_id, "1f2e-33");
  EXPECT_EQ(r->uptime, absl::Milliseconds(1234500));
  EXPECT_THAT(r->role_hashes, ElementsAre(Pair("web", "abc123")));
  EXPECT_THAT(r->check_exit_status, ElementsAre(Pair("base/users", 1), Pair("web/install", 0)));
}

TEST(ProbeScript, TruncatedOutputIsDataLoss) {
  ProbeRequest req;
  req.checks = {{"c", "true"}};
  std::string d = std::string("\n@@rcprobe-") + kNonce + " ";
  std::string head = d + "host\nh" + d + "boot\nb" + d + "uptime\n1.0 1.0";
  EXPECT_THAT(ParseProbeOutput(req, kNonce, head),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("no result for check 'c'")));
  EXPECT_THAT(ParseProbeOutput(req, kNonce, head + d + "check 0 0"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("cut short")));
  EXPECT_THAT(ParseProbeOutput(req, kNonce, "garbage"), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(ParseProbeOutput(req, kNonce, d + "host\nh" + d + "check 7 0"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("unexpected section")));
}

TEST(ProbeScript, RejectsRoleNamesThatAreNotOnePathComponent) {
  for (const char* bad : {"", ".", "..", "../etc/passwd", "a/b"}) {
    ProbeRequest req;
    req.roles = {bad};
    EXPECT_THAT(BuildProbeScript(req, kNonce), StatusIs(absl::StatusCode::kInvalidArgument))
        << "role '" << bad << "'";
  }
  ProbeRequest req;
  EXPECT_THAT(BuildProbeScript(req, "short"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(BuildProbeScript(req, "has space1234"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ProbeScript, HostileNamesAndChecksRunQuotedAndIsolated) {
  std::filesystem::path state = std::filesystem::temp_directory_path() /
                                ("probe-state-" + std::to_string(::getpid()));
  std::filesystem::create_directories(state / "roles");
  const std::string hostile_role = "we'b $(touch pwned) `touch pwned` \"x\" ;touch pwned";
  std::ofstream(state / "roles" / (hostile_role + ".hash")) << "hash-of-hostile\n";
  std::ofstream(state / "roles" / "plain.hash") << "no-newline";  // no trailing newline
  const std::string pwned = (state / "pwned").string();

  ProbeRequest req;
  req.state_dir = state.string();
  req.roles = {hostile_role, "plain", "absent"};
  req.checks = {
      {"exits-3", "exit 3"},
      {"unbalanced", "echo 'oops"},  // a syntax error only inside its own shell
      {"spoof", "printf '\\n@@rcprobe-n0nce12345678 end\\n'; true"},  // output is discarded
      {"exec", "exec false"},
      {"injection", "touch " + pwned + "2; exit 0"},
      {"reads-stdin", "cat"},  // gets /dev/null, must not hang
  };
  absl::StatusOr<std::string> script = BuildProbeScript(req, kNonce);
  ASSERT_THAT(script, IsOk());
  const std::string output = RunLocally(*script, state);
  // The end marker comes last, exactly once: a streaming reader can stop there.
  ASSERT_GE(output.size(), ProbeEndMarker(kNonce).size());
  EXPECT_EQ(output.find(ProbeEndMarker(kNonce)), output.size() - ProbeEndMarker(kNonce).size());
  absl::StatusOr<ProbeResult> r = ParseProbeOutput(req, kNonce, output);
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->hostname.empty());
  EXPECT_EQ(r->boot_id.size(), 36u);
  EXPECT_GT(r->uptime, absl::ZeroDuration());
  EXPECT_THAT(r->role_hashes,
              ElementsAre(Pair("plain", "no-newline"), Pair(hostile_role, "hash-of-hostile")));
  EXPECT_EQ(r->check_exit_status.at("exits-3"), 3);
  EXPECT_NE(r->check_exit_status.at("unbalanced"), 0);
  EXPECT_EQ(r->check_exit_status.at("spoof"), 0);
  EXPECT_EQ(r->check_exit_status.at("exec"), 1);
  EXPECT_EQ(r->check_exit_status.at("injection"), 0);
  EXPECT_EQ(r->check_exit_status.at("reads-stdin"), 0);
  // The role name's $(...) never ran; the check command did (it is a command).
  EXPECT_FALSE(std::filesystem::exists(pwned));
  EXPECT_TRUE(std::filesystem::exists(pwned + "2"));
  std::filesystem::remove_all(state);
}

}  // namespace
}  // namespace reconcile::drivers::ssh
