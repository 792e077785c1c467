#include "reconciler/watch.h"

#include <deque>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_hypervisor.h"
#include "tests/testing/fake_node_shell.h"
#include "tests/testing/nodes.h"
#include "tests/testing/scripted_watch_events.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile {
namespace {

using testing::FakeHypervisor;
using testing::FakeNodeShell;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using ScriptedEvents = testing::ScriptedWatchEvents;

Desired WebCluster(int count) {
  Desired desired;
  desired.spec.cluster = "lab";
  desired.spec.policy.prune = true;
  desired.spec.roles = {{.name = "web", .steps = {{.name = "serve", .run = "serve"}}}};
  desired.spec.groups = {{.name = "web", .count = count, .image = "tiny", .roles = {"web"}}};
  for (int i = 1; i <= count; ++i) desired.nodes.push_back(testing::TestNode("web", i, {"web"}));
  return desired;
}

class WatchTest : public ::testing::Test {
 protected:
  WatchTest() : events_(clock_) { shell_.Accept("serve"); }  // the web role's step

  absl::Status RunWatch(Reconciler& reconciler, std::function<absl::StatusOr<Desired>()> reload,
                        int max_passes = 0) {
    WatchOptions options{.interval = absl::Minutes(5), .max_passes = max_passes};
    return Watch(reconciler, events_, clock_, reload, options,
                 [&](const std::string& line) { log_.push_back(line); });
  }

  Reconciler Make(Desired desired) {
    ReconcilerOptions options;
    options.executor.retries = 0;
    options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
    return Reconciler(desired.spec, desired.nodes, hypervisor_, shell_, clock_, options);
  }

  testing::SimulatedClock clock_;
  ScriptedEvents events_;
  FakeHypervisor hypervisor_;
  FakeNodeShell shell_;
  std::vector<std::string> log_;
};

// This test verifies the rhythm: a pass that changed things is re-checked at
// once, a converged cluster waits the interval, and each pass logs one line.
TEST_F(WatchTest, ConvergesThenWaitsTheInterval) {
  Reconciler reconciler = Make(WebCluster(2));
  events_.script = {WatchEvents::Event::kTimeout, WatchEvents::Event::kStop};
  ASSERT_TRUE(RunWatch(reconciler, [] { return WebCluster(2); }).ok());
  EXPECT_THAT(events_.waits, ElementsAre(absl::ZeroDuration(), absl::Minutes(5)));
  ASSERT_EQ(log_.size(), 2u);
  EXPECT_THAT(log_[0], HasSubstr("pass 1: 4 actions (4 ok, 0 failed)"));
  EXPECT_THAT(log_[1], HasSubstr("pass 2: converged, no changes"));
}

// This test verifies that a pass line counts in words that agree with the
// count: "1 action", "2 actions", "1 problem", "2 problems".
TEST(PassSummaryTest, CountsAgreeWithTheirNouns) {
  PassSummary one{.pass = 1, .actions = 1, .succeeded = 1, .problems = 1};
  EXPECT_EQ(one.Line(), "pass 1: 1 action (1 ok, 0 failed), 1 problem in 0.0s; next in 0s");
  PassSummary two{.pass = 2, .actions = 2, .succeeded = 1, .failed = 1, .problems = 2};
  EXPECT_EQ(two.Line(), "pass 2: 2 actions (1 ok, 1 failed), 2 problems in 0.0s; next in 0s");
}

// This test verifies that drift introduced between passes is corrected by the
// scheduled drift check.
TEST_F(WatchTest, DriftCheckRestoresADeletedDomain) {
  Reconciler reconciler = Make(WebCluster(2));
  events_.script = {WatchEvents::Event::kTimeout, WatchEvents::Event::kTimeout,
                    WatchEvents::Event::kTimeout, WatchEvents::Event::kStop};
  events_.between = [&](int wait) {
    if (wait == 2) hypervisor_.Remove("lab-web-2");  // while converged and waiting
  };
  ASSERT_TRUE(RunWatch(reconciler, [] { return WebCluster(2); }).ok());
  EXPECT_EQ(hypervisor_.domains().count("lab-web-2"), 1u);
  EXPECT_THAT(log_[2], HasSubstr("pass 3: 2 actions (2 ok, 0 failed)"));
  EXPECT_THAT(log_[3], HasSubstr("converged"));
}

// This test verifies that a spec change is picked up at once, and that an
// invalid spec is reported while the last good one stays in force.
TEST_F(WatchTest, ReloadsSpecOnChangeAndKeepsLastGoodOne) {
  Reconciler reconciler = Make(WebCluster(1));
  events_.script = {WatchEvents::Event::kTimeout, WatchEvents::Event::kSpecChanged,
                    WatchEvents::Event::kSpecChanged, WatchEvents::Event::kTimeout,
                    WatchEvents::Event::kStop};
  int reloads = 0;
  auto reload = [&]() -> absl::StatusOr<Desired> {
    if (++reloads == 1) return absl::InvalidArgumentError("spec.yaml:3:5: unknown key 'cont'");
    return WebCluster(3);
  };
  ASSERT_TRUE(RunWatch(reconciler, reload).ok());
  EXPECT_EQ(reloads, 2);
  EXPECT_THAT(log_, ::testing::Contains(HasSubstr("keeping the last good spec: spec.yaml:3:5")));
  EXPECT_EQ(hypervisor_.domains().size(), 3u);
}

// This test verifies that an edited spec applies whole: its policy.interval
// sets the next drift-check wait and its ssh.state_dir where roles are
// recorded (before, both kept their start-up values until a restart).
TEST_F(WatchTest, EditedPolicyAndStateDirApplyWithoutARestart) {
  Reconciler reconciler = Make(WebCluster(1));
  events_.script = {WatchEvents::Event::kTimeout, WatchEvents::Event::kSpecChanged,
                    WatchEvents::Event::kTimeout, WatchEvents::Event::kStop};
  auto reload = [&]() -> absl::StatusOr<Desired> {
    Desired edited = WebCluster(2);
    edited.spec.policy.interval = absl::Seconds(30);
    edited.spec.ssh.state_dir = "/srv/reconcile";
    return edited;
  };
  WatchOptions options{.interval = absl::Minutes(5), .interval_from_spec = true};
  ASSERT_TRUE(Watch(reconciler, events_, clock_, reload, options,
                    [&](const std::string& line) { log_.push_back(line); })
                  .ok());
  // pass 1 acts (wait 0), pass 2 converged under the start-up policy (5m,
  // WebCluster's default), the edit, then pass 3 acts and pass 4 waits 30s.
  ASSERT_GE(events_.waits.size(), 4u);
  EXPECT_EQ(events_.waits.back(), absl::Seconds(30));
  EXPECT_EQ(shell_.files("lab-web-2").count("/srv/reconcile/roles/web.hash"), 1u);
}

// This test verifies that failing passes back off with growing waits instead
// of spinning.
TEST_F(WatchTest, ErrorsBackOff) {
  hypervisor_.FailNext("list", absl::UnavailableError("libvirtd down"), 3);
  Reconciler reconciler = Make(WebCluster(1));
  events_.script = {WatchEvents::Event::kTimeout, WatchEvents::Event::kTimeout,
                    WatchEvents::Event::kTimeout, WatchEvents::Event::kTimeout,
                    WatchEvents::Event::kStop};
  ASSERT_TRUE(RunWatch(reconciler, [] { return WebCluster(1); }).ok());
  ASSERT_GE(events_.waits.size(), 4u);
  EXPECT_EQ(events_.waits[0], absl::Seconds(5));
  EXPECT_EQ(events_.waits[1], absl::Seconds(10));
  EXPECT_EQ(events_.waits[2], absl::Seconds(20));
  EXPECT_EQ(events_.waits[3], absl::ZeroDuration()) << "recovered and acted";
  EXPECT_THAT(log_[0], HasSubstr("failed after"));
  EXPECT_THAT(log_[0], HasSubstr("libvirtd down"));
}

// This test verifies that a cluster that changes on every pass (a step whose
// check never passes) is slowed down rather than re-applied in a tight loop.
TEST_F(WatchTest, PerpetualChangeIsThrottled) {
  Desired desired = WebCluster(1);
  desired.spec.roles[0].steps[0].check = "never-true";
  shell_.SetHandler([](const std::string&, const std::string& command, FakeNodeShell::Files&)
                        -> std::optional<drivers::CommandResult> {
    if (command == "never-true") return drivers::CommandResult{.exit_status = 1};
    return std::nullopt;
  });
  Reconciler reconciler = Make(desired);
  events_.script.assign(5, WatchEvents::Event::kTimeout);
  ASSERT_TRUE(RunWatch(reconciler, [&] { return desired; }).ok());
  EXPECT_EQ(events_.waits[0], absl::ZeroDuration());
  EXPECT_EQ(events_.waits[1], absl::ZeroDuration());
  EXPECT_GT(events_.waits[2], absl::ZeroDuration());
  EXPECT_GT(events_.waits[3], events_.waits[2]);
}

// This test verifies that a stop request ends the loop cleanly.
TEST_F(WatchTest, StopEndsTheLoop) {
  Reconciler reconciler = Make(WebCluster(1));
  events_.script = {WatchEvents::Event::kStop};
  EXPECT_TRUE(RunWatch(reconciler, [] { return WebCluster(1); }).ok());
  EXPECT_EQ(log_.size(), 1u);
}

}  // namespace
}  // namespace reconcile
