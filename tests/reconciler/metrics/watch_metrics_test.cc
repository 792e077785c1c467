// This test verifies that the watch loop's passes become the right metrics
// (passes by result, actions by kind and outcome, drift corrections, nodes by
// state, last converged time) and that /healthz's verdict follows the loop.
#include "reconciler/metrics/watch_metrics.h"

#include <deque>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_hypervisor.h"
#include "tests/testing/fake_node_shell.h"
#include "tests/testing/nodes.h"
#include "tests/testing/scripted_watch_events.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using ScriptedEvents = testing::ScriptedWatchEvents;

Desired WebCluster(int count) {
  Desired desired;
  desired.spec.cluster = "lab";
  desired.spec.policy.prune = true;
  desired.spec.vars = {{.name = "token", .value = "s3cret-value", .secret = true}};
  desired.spec.roles = {{.name = "web", .steps = {{.name = "serve", .run = "start-webd {{ vars.token }}"}}}};
  desired.spec.groups = {{.name = "web", .count = count, .image = "tiny", .roles = {"web"}}};
  for (int i = 1; i <= count; ++i) desired.nodes.push_back(reconcile::testing::TestNode("web", i, {"web"}));
  return desired;
}

class WatchMetricsTest : public ::testing::Test {
 protected:
  WatchMetricsTest() : events_(clock_) { shell_.Accept("start-webd"); }  // the web role's step

  void RunWatch(const Desired& desired) {
    ReconcilerOptions options;
    options.executor.retries = 0;
    options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
    Reconciler reconciler(desired.spec, desired.nodes, hypervisor_, shell_, clock_, options);
    WatchOptions watch{.interval = absl::Minutes(5)};
    watch.on_pass_done = [&](const PassSummary& summary, const PassResult* result) {
      metrics_.PassDone(summary, result, reconciler.nodes(), clock_.Now());
    };
    metrics_.Started(clock_.Now(), watch.interval);
    ASSERT_TRUE(Watch(reconciler, events_, clock_, [&] { return desired; }, watch,
                      [](const std::string&) {})
                    .ok());
  }
  double Value(const std::string& name, const Labels& labels = {}) {
    return metrics_.registry().Value(name, labels);
  }

  testing::SimulatedClock clock_;
  ScriptedEvents events_;
  testing::FakeHypervisor hypervisor_;
  testing::FakeNodeShell shell_;
  WatchMetrics metrics_;
};

TEST_F(WatchMetricsTest, CountsPassesActionsAndNodesOfAConvergingCluster) {
  events_.script = {WatchEvents::Event::kTimeout, WatchEvents::Event::kStop};
  RunWatch(WebCluster(2));
  EXPECT_EQ(Value("reconcile_watch_passes_total", {{"result", "changed"}}), 1);
  EXPECT_EQ(Value("reconcile_watch_passes_total", {{"result", "converged"}}), 1);
  EXPECT_EQ(Value("reconcile_actions_total", {{"kind", "create"}, {"outcome", "succeeded"}}), 2);
  EXPECT_EQ(Value("reconcile_actions_total", {{"kind", "configure"}, {"outcome", "succeeded"}}), 2);
  EXPECT_EQ(Value("reconcile_nodes", {{"group", "web"}, {"state", "ready"}}), 2);
  EXPECT_EQ(Value("reconcile_watch_last_converged_timestamp_seconds"),
            absl::ToDoubleSeconds(clock_.Now() - absl::UnixEpoch()));
  EXPECT_EQ(Value("reconcile_watch_up"), 1);
  const std::string text = metrics_.Exposition();
  EXPECT_THAT(text, HasSubstr("# TYPE reconcile_watch_pass_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("reconcile_watch_pass_duration_seconds_count 2\n"));
  EXPECT_THAT(text, HasSubstr("reconcile_nodes{group=\"web\",state=\"ready\"} 2\n"));
  EXPECT_THAT(text, Not(HasSubstr("reconcile_drift_corrections_total{")));
  // Only names and counts leave: never a variable or a command.
  EXPECT_THAT(text, Not(HasSubstr("s3cret")));
  EXPECT_THAT(text, Not(HasSubstr("start-webd")));
}

TEST_F(WatchMetricsTest, ActionsAfterConvergenceCountAsDriftCorrections) {
  events_.script.assign(3, WatchEvents::Event::kTimeout);
  events_.between = [&](int wait) {
    if (wait == 2) hypervisor_.Remove("lab-web-2");  // while converged and waiting
  };
  RunWatch(WebCluster(2));
  EXPECT_EQ(Value("reconcile_drift_corrections_total", {{"kind", "create"}}), 1);
  EXPECT_EQ(Value("reconcile_drift_corrections_total", {{"kind", "configure"}}), 1);
  EXPECT_EQ(Value("reconcile_actions_total", {{"kind", "create"}, {"outcome", "succeeded"}}), 3);
  EXPECT_EQ(Value("reconcile_nodes", {{"group", "web"}, {"state", "ready"}}), 2);
}

TEST_F(WatchMetricsTest, ASpecChangeIsNotDrift) {
  metrics_.Started(clock_.Now(), absl::Minutes(5));
  Desired desired = WebCluster(1);
  PassSummary converged{.pass = 1, .converged = true};
  PassResult empty;
  metrics_.PassDone(converged, &empty, desired.nodes, clock_.Now());
  metrics_.SpecReloaded();
  PassResult created;
  created.plan.actions = {{.id = 0, .kind = model::ActionKind::kCreate, .node = "lab-web-1"}};
  created.execution.results = {{.action_id = 0, .outcome = Outcome::kSucceeded}};
  metrics_.PassDone(PassSummary{.pass = 2, .actions = 1, .succeeded = 1}, &created, desired.nodes,
                    clock_.Now());
  EXPECT_EQ(Value("reconcile_drift_corrections_total", {{"kind", "create"}}), 0);
  EXPECT_EQ(Value("reconcile_actions_total", {{"kind", "create"}, {"outcome", "succeeded"}}), 1);
  EXPECT_EQ(Value("reconcile_nodes", {{"group", "web"}, {"state", "missing"}}), 1);
}

TEST_F(WatchMetricsTest, PassesThatCannotRunCountAsErrorsAndKeepNodeCounts) {
  hypervisor_.FailNext("list", absl::UnavailableError("libvirtd down"), 1);
  events_.script = {WatchEvents::Event::kTimeout, WatchEvents::Event::kStop};
  RunWatch(WebCluster(1));
  EXPECT_EQ(Value("reconcile_watch_passes_total", {{"result", "error"}}), 1);
  EXPECT_EQ(Value("reconcile_watch_passes_total", {{"result", "changed"}}), 1);
}

TEST(PassResultLabelTest, NamesEachKindOfPass) {
  EXPECT_EQ(PassResultLabel({.error = "down"}), "error");
  EXPECT_EQ(PassResultLabel({.actions = 2, .succeeded = 1, .failed = 1}), "failed");
  EXPECT_EQ(PassResultLabel({.actions = 2, .succeeded = 2}), "changed");
  EXPECT_EQ(PassResultLabel({.converged = true}), "converged");
  EXPECT_EQ(PassResultLabel({.problems = 1}), "problems");
}

TEST(NodeStateLabelTest, DistinguishesReadyFromUnreachable) {
  model::Node node = reconcile::testing::TestNode("web", 1, {});
  model::ObservedState observed;
  EXPECT_EQ(NodeStateLabel(node, observed), "missing");
  observed.domains = {{.name = "lab-web-1", .managed = true, .state = model::DomainState::kRunning}};
  EXPECT_EQ(NodeStateLabel(node, observed), "unreachable");
  observed.probes["lab-web-1"].status = absl::OkStatus();
  EXPECT_EQ(NodeStateLabel(node, observed), "ready");
  observed.domains[0].state = model::DomainState::kShutOff;
  EXPECT_EQ(NodeStateLabel(node, observed), "shut_off");
  observed.domains[0].managed = false;
  EXPECT_EQ(NodeStateLabel(node, observed), "unmanaged");
}

TEST(WatchHealthTest, HealthyWhilePassesKeepFinishing) {
  WatchMetrics metrics;
  const absl::Time t0 = absl::FromUnixSeconds(1'000'000);
  EXPECT_FALSE(metrics.HealthAt(t0).healthy) << "not started";
  metrics.Started(t0, absl::Minutes(1));
  EXPECT_TRUE(metrics.HealthAt(t0 + absl::Minutes(2)).healthy) << "a long first pass";
  EXPECT_FALSE(metrics.HealthAt(t0 + absl::Minutes(4)).healthy);
  metrics.PassDone({.pass = 1, .converged = true, .next_wait = absl::Minutes(1)}, nullptr, {},
                   t0 + absl::Minutes(4));
  EXPECT_TRUE(metrics.HealthAt(t0 + absl::Minutes(6)).healthy);
  Health stale = metrics.HealthAt(t0 + absl::Minutes(8));
  EXPECT_FALSE(stale.healthy);
  EXPECT_THAT(stale.reason, HasSubstr("no pass finished for 4m"));
  // A long error backoff is a planned wait, not a hang.
  metrics.PassDone({.pass = 2, .next_wait = absl::Minutes(5), .error = "down"}, nullptr, {},
                   t0 + absl::Minutes(8));
  EXPECT_TRUE(metrics.HealthAt(t0 + absl::Minutes(14)).healthy);
  metrics.Stopped();
  EXPECT_EQ(metrics.HealthAt(t0 + absl::Minutes(8)).reason, "the watch loop is not running");
}

}  // namespace
}  // namespace reconcile::metrics
