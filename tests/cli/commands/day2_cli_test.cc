// This test verifies the day-2 commands and the command line's rough edges on
// the built binary against libvirt's test driver: destroy deletes exactly
// what the cluster owns and asks first (on a real pseudo-terminal), apply asks
// before a delete, known-hosts prints the recorded keys, and mistyped
// commands, empty --connect, a missing --lock-dir parent and --version answer
// clearly.
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/reconcile_binary.h"
#include "tests/testing/pty_process.h"

namespace reconcile {
namespace {

using testing::BinaryRun;
using testing::PtyProcess;
using testing::RunReconcile;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

std::string Fixture(const std::string& name) {
  return "test://" + std::filesystem::absolute("tests/cli/fixtures/" + name).string();
}

class Day2Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("reconcile-day2-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "locks");
    // HOME for runs on a terminal: an operator key, as RunReconcile gives.
    std::filesystem::create_directories(dir_ / ".ssh");
    std::ofstream(dir_ / ".ssh/id_ed25519.pub")
        << "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperatorKeyForCliTests cli-test\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string LockDir() const { return (dir_ / "locks").string(); }
  // The binary on a terminal, as an operator runs it.
  std::string OnTerminal(const std::string& args) const {
    return std::string(RECONCILE_BINARY) + " " + args;
  }

  std::filesystem::path dir_;
};

// This test verifies that destroy deletes the cluster's own domains and
// nothing else: the second pass observes again and finds none left, and
// neither the unmanaged domain nor another cluster's appears in the plan.
TEST_F(Day2Cli, DestroyDeletesOnlyWhatTheClusterOwns) {
  BinaryRun run = RunReconcile("destroy specs/lab.yaml --yes --connect " + Fixture("owned.xml") +
                               " --lock-dir " + LockDir());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("- lab-leader-1"));
  EXPECT_THAT(run.out, HasSubstr("- lab-member-1"));
  EXPECT_THAT(run.out, HasSubstr("ok      -   lab-leader-1"));
  EXPECT_THAT(run.out, HasSubstr("Destroy complete: converged after 2 passes"));
  EXPECT_THAT(run.out, HasSubstr("Cluster lab: 2 domains deleted with the volumes made for them.\n"));
  EXPECT_THAT(run.out, Not(HasSubstr("stranger")));
  EXPECT_THAT(run.out, Not(HasSubstr("other-web-1")));
}

// This test verifies that destroy without a terminal and without --yes is
// refused before anything is opened.
TEST_F(Day2Cli, DestroyWithoutTerminalNeedsYes) {
  BinaryRun run = RunReconcile("destroy specs/lab.yaml --connect " + Fixture("owned.xml"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("pass --yes"));
  EXPECT_EQ(run.out, "");
}

// This test verifies the question on a terminal: anything but "yes" runs
// nothing of the plan; "yes" deletes.
TEST_F(Day2Cli, DestroyAsksOnATerminal) {
  const std::string args =
      "destroy specs/lab.yaml --connect " + Fixture("owned.xml") + " --lock-dir " + LockDir();
  {
    PtyProcess declined(OnTerminal(args));
    ASSERT_TRUE(declined.WaitFor("Go on? ", 20s)) << declined.output();
    EXPECT_THAT(declined.text(), HasSubstr("delete lab-leader-1, delete lab-member-1"));
    declined.Type("no\n");
    EXPECT_EQ(declined.Wait(20s), 1) << declined.output();
    EXPECT_THAT(declined.text(), HasSubstr("Nothing of that plan ran"));
    EXPECT_THAT(declined.text(), Not(HasSubstr("ok      -")));
  }
  PtyProcess approved(OnTerminal(args));
  ASSERT_TRUE(approved.WaitFor("Go on? ", 20s)) << approved.output();
  approved.Type("yes\n");
  EXPECT_EQ(approved.Wait(20s), 0) << approved.output();
  EXPECT_THAT(approved.text(), HasSubstr("ok      -   lab-leader-1"));
  EXPECT_THAT(approved.text(), HasSubstr("Destroy complete"));
}

// This test verifies that Ctrl-C at the question stops at once with 130 and
// nothing deleted.
TEST_F(Day2Cli, InterruptAtTheQuestionStopsAt130) {
  PtyProcess run(OnTerminal("destroy specs/lab.yaml --connect " + Fixture("owned.xml") +
                            " --lock-dir " + LockDir()));
  ASSERT_TRUE(run.WaitFor("Go on? ", 20s)) << run.output();
  run.Type("\x03");
  EXPECT_EQ(run.Wait(20s), 130) << run.output();
  EXPECT_THAT(run.text(), Not(HasSubstr("ok      -")));
}

// This test verifies that apply on a terminal asks before a delete (an owned
// node that left the spec, with prune on), and that --yes does not ask.
TEST_F(Day2Cli, ApplyAsksBeforeADeleteUnlessYes) {
  std::ifstream in("specs/lab.yaml");
  std::string spec((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string from = "member: { count: 2,";
  ASSERT_NE(spec.find(from), std::string::npos);
  spec.replace(spec.find(from), from.size(), "member: { count: 0,");
  const std::string path = (dir_ / "lab.yaml").string();
  std::ofstream(path) << spec;
  const std::string args = "apply " + path + " --connect " + Fixture("owned.xml") +
                           " --lock-dir " + LockDir();
  PtyProcess asked(OnTerminal(args), {"HOME=" + dir_.string()});
  ASSERT_TRUE(asked.WaitFor("Go on? ", 20s)) << asked.output();
  EXPECT_THAT(asked.text(), HasSubstr("delete lab-member-1: the machines' disks"));
  asked.Type("\n");
  EXPECT_EQ(asked.Wait(20s), 1);
  EXPECT_THAT(asked.text(), HasSubstr("Apply stopped: the operator did not approve"));

  PtyProcess yes(OnTerminal(args + " --yes"), {"HOME=" + dir_.string()});
  yes.Wait(30s);
  EXPECT_THAT(yes.text(), Not(HasSubstr("Go on?")));
  EXPECT_THAT(yes.text(), HasSubstr("ok      -   lab-member-1"));
}

// This test verifies known-hosts: one line per created node under its name,
// keys as the domains record them, a comment for what is not created, and
// nothing of another cluster.
TEST_F(Day2Cli, KnownHostsPrintsTheRecordedKeys) {
  BinaryRun run = RunReconcile("known-hosts specs/lab.yaml --connect " + Fixture("owned.xml"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("\nlab-leader-1 ssh-ed25519 "
                                 "AAAAC3NzaC1lZDI1NTE5AAAAILeaderHostKeyOfTheFixture\n"));
  EXPECT_THAT(run.out, HasSubstr("\nlab-member-1 ssh-ed25519 "
                                 "AAAAC3NzaC1lZDI1NTE5AAAAIMemberHostKeyOfTheFixture\n"));
  EXPECT_THAT(run.out, HasSubstr("# lab-member-2: not created\n"));
  EXPECT_THAT(run.out, Not(HasSubstr("Other")));
}

// This test verifies that ssh and console name a node that does not exist
// with a suggestion, and refuse a node that is not created.
TEST_F(Day2Cli, NodeCommandsNameTheNode) {
  BinaryRun typo = RunReconcile("ssh specs/lab.yaml lab-membr-1 --connect " + Fixture("owned.xml"));
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_THAT(typo.err, HasSubstr("cluster lab has no node 'lab-membr-1', did you mean 'lab-member-1'?"));
  BinaryRun missing =
      RunReconcile("console specs/lab.yaml lab-member-2 --connect " + Fixture("owned.xml"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("lab-member-2 is not created yet"));
}

// The fixture and lab.yaml copied into the test's directory, so a test can
// change the world or the spec between plan and apply.
struct Copies {
  std::string spec;
  std::string world;
};

Copies CopyWorld(const std::filesystem::path& dir) {
  std::filesystem::copy_file("specs/lab.yaml", dir / "lab.yaml");
  std::filesystem::copy_file("tests/cli/fixtures/owned.xml", dir / "owned.xml");
  return {(dir / "lab.yaml").string(), "test://" + (dir / "owned.xml").string()};
}

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void Replace(const std::filesystem::path& path, const std::string& from, const std::string& to) {
  std::string text = Slurp(path);
  ASSERT_NE(text.find(from), std::string::npos) << from << " not in " << path;
  text.replace(text.find(from), from.size(), to);
  std::ofstream(path) << text;
}

// This test verifies a saved plan: `plan --out` writes it (0600, no secret),
// `apply FILE` carries out exactly it, without asking even on a terminal, on
// the same world. The spec scales both groups to 0: deletes are what the test
// driver can really carry out.
TEST_F(Day2Cli, SavedPlanIsCarriedOutAsSaved) {
  const Copies copies = CopyWorld(dir_);
  Replace(dir_ / "lab.yaml", "leader: { count: 1,", "leader: { count: 0,");
  Replace(dir_ / "lab.yaml", "member: { count: 2,", "member: { count: 0,");
  const std::string file = (dir_ / "lab.plan").string();
  BinaryRun plan = RunReconcile("plan " + copies.spec + " --connect " + copies.world + " --out " + file);
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.err, HasSubstr("reconcile apply " + file));
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_THAT(Slurp(file), HasSubstr("\"reconcile_saved_plan\": 1"));
  EXPECT_THAT(Slurp(file), Not(HasSubstr("hello from reconcile")));  // a var's value

  PtyProcess apply(OnTerminal("apply " + file + " --lock-dir " + LockDir()), {"HOME=" + dir_.string()});
  EXPECT_EQ(apply.Wait(30s), 0) << apply.text();
  EXPECT_THAT(apply.text(), Not(HasSubstr("Go on?")));
  EXPECT_THAT(apply.text(), HasSubstr("ok      -   lab-leader-1"));
  EXPECT_THAT(apply.text(), HasSubstr("ok      -   lab-member-1"));
  EXPECT_THAT(apply.text(), HasSubstr("Apply of the saved plan complete"));
  EXPECT_THAT(apply.text(), HasSubstr("2 actions done, 0 failed or skipped"));
}

// This test verifies that `apply FILE` refuses, changing nothing, when the
// spec or the world changed after the plan was saved, and says what changed.
TEST_F(Day2Cli, SavedPlanRefusesAChangedSpecOrWorld) {
  const Copies copies = CopyWorld(dir_);
  const std::string file = (dir_ / "lab.plan").string();
  ASSERT_EQ(RunReconcile("plan " + copies.spec + " --connect " + copies.world + " --out " + file)
                .exit_code,
            0);
  Replace(dir_ / "lab.yaml", "greeting: hello from reconcile", "greeting: hello again");
  BinaryRun spec = RunReconcile("apply " + file + " --lock-dir " + LockDir());
  EXPECT_EQ(spec.exit_code, 1);
  EXPECT_THAT(spec.err, HasSubstr("the spec changed since " + file + " was saved"));
  EXPECT_EQ(spec.out, "");

  Replace(dir_ / "lab.yaml", "greeting: hello again", "greeting: hello from reconcile");
  Replace(dir_ / "owned.xml", "<vcpu>1</vcpu>\n    <os><type arch='x86_64'>hvm</type></os>\n    <metadata>\n      <reconcile:node xmlns:reconcile=\"https://reconcile.dev/xmlns/domain/1\">\n        <reconcile:cluster>lab</reconcile:cluster>\n        <reconcile:group>member",
          "<vcpu>2</vcpu>\n    <os><type arch='x86_64'>hvm</type></os>\n    <metadata>\n      <reconcile:node xmlns:reconcile=\"https://reconcile.dev/xmlns/domain/1\">\n        <reconcile:cluster>lab</reconcile:cluster>\n        <reconcile:group>member");
  BinaryRun world = RunReconcile("apply " + file + " --lock-dir " + LockDir());
  EXPECT_EQ(world.exit_code, 1) << world.out;
  EXPECT_THAT(world.out, HasSubstr("the cluster changed since " + file + " was saved"));
  EXPECT_THAT(world.out, HasSubstr("now: domain lab-member-1 on 'default': owner lab/member/1, hardware h, image i, 2 cpus"));
  EXPECT_THAT(world.out, HasSubstr("Nothing of that plan ran"));
  EXPECT_THAT(world.out, Not(HasSubstr("ok ")));

  std::ofstream(file) << "{\"reconcile_saved_plan\": 9}";
  BinaryRun other = RunReconcile("apply " + file);
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.err, HasSubstr("a saved plan of format 9"));
}

// This test verifies --target: a member's plan carries its own actions and
// the leader's it depends on, not the other member's; a group stands for its
// nodes; an unknown name is refused with a suggestion.
TEST_F(Day2Cli, TargetPlansASubsetAndWhatItNeeds) {
  BinaryRun one = RunReconcile("plan specs/lab.yaml --connect " + testing::LabHost() +
                               " --target lab-member-2");
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_THAT(one.out, HasSubstr("+ lab-member-2"));
  EXPECT_THAT(one.out, HasSubstr("+ lab-leader-1"));  // its configure needs the leader's output
  EXPECT_THAT(one.out, Not(HasSubstr("lab-member-1")));

  BinaryRun group = RunReconcile("status specs/lab.yaml --connect " + testing::LabHost() +
                                 " --target member");
  EXPECT_THAT(group.out, HasSubstr("lab-member-1"));
  EXPECT_THAT(group.out, HasSubstr("lab-member-2"));
  EXPECT_THAT(group.out, Not(HasSubstr("lab-leader-1 ")));

  BinaryRun typo = RunReconcile("plan specs/lab.yaml --connect " + testing::LabHost() +
                                " --target membr");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_THAT(typo.err, HasSubstr("--target 'membr': cluster lab has no node or group of that "
                                  "name, did you mean 'member'?"));
}

// This test verifies the command line's answers to slips.
TEST_F(Day2Cli, SlipsGetClearAnswers) {
  BinaryRun typo = RunReconcile("aplly specs/lab.yaml");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_THAT(typo.err, HasSubstr("unknown command 'aplly', did you mean 'apply'?"));

  BinaryRun empty = RunReconcile("plan specs/lab.yaml --connect ''");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_THAT(empty.err, HasSubstr("--connect needs a libvirt URI"));

  BinaryRun lock = RunReconcile("apply specs/lab.yaml --connect test:///default --lock-dir " +
                                (dir_ / "no/such/dir").string());
  EXPECT_EQ(lock.exit_code, 1);
  EXPECT_THAT(lock.err, HasSubstr("its parent " + (dir_ / "no/such").string() + " does not exist"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "no"));

  BinaryRun zero = RunReconcile("watch specs/lab.yaml --interval 0s");
  EXPECT_EQ(zero.exit_code, 1);
  EXPECT_THAT(zero.err, HasSubstr("must be at least 1s"));

  BinaryRun version = RunReconcile("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, ::testing::MatchesRegex("reconcile [0-9]+\\.[0-9]+\\.[0-9]+\n"));
}

// This test verifies that `--watch SPEC` takes watch's options, unlike a flag
// that would stop at the spec.
TEST_F(Day2Cli, WatchFlagTakesWatchOptions) {
  BinaryRun run = RunReconcile("--watch specs/lab.yaml --interval 0s");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("reconcile watch: --interval '0s' must be at least 1s"));
}

}  // namespace
}  // namespace reconcile
