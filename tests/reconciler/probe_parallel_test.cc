// This test verifies that probes have their own bound, policy.probe_parallel,
// and are not held to the actions' policy.parallel: with parallel 1 and
// probe_parallel 4, four probes of an eight-node pass are in flight at once
// (before, a 200-node watch pass ran its probes 8 at a time, as many rounds of
// round trips as nodes / 8).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "reconciler/reconciler.h"
#include "tests/testing/fake_hypervisor.h"
#include "tests/testing/fake_node_shell.h"
#include "tests/testing/nodes.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile {
namespace {

// Counts probes in flight; each waits (up to a second of real time) until
// `target` are in flight together, so a bound below `target` shows as a lower
// maximum, never as a race.
class GaugedShell : public testing::FakeNodeShell {
 public:
  explicit GaugedShell(int target) : target_(target) {}

  absl::StatusOr<drivers::ProbeResult> Probe(const drivers::SshTarget& target,
                                             const drivers::ProbeRequest& request,
                                             absl::Time deadline) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
      changed_.notify_all();
      changed_.wait_for(lock, std::chrono::seconds(1),
                        [&] { return max_in_flight_ >= target_; });
    }
    absl::StatusOr<drivers::ProbeResult> result =
        FakeNodeShell::Probe(target, request, deadline);
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
    return result;
  }

  int max_in_flight() {
    std::lock_guard<std::mutex> lock(mu_);
    return max_in_flight_;
  }
  void Reset() {
    std::lock_guard<std::mutex> lock(mu_);
    max_in_flight_ = 0;
  }

 private:
  const int target_;
  std::mutex mu_;
  std::condition_variable changed_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
};

TEST(ProbeParallelTest, ProbesHaveTheirOwnBound) {
  model::Spec spec;
  spec.cluster = "lab";
  spec.roles = {{.name = "r", .steps = {{.name = "s", .run = "true", .check = "true"}}}};
  spec.groups = {{.name = "a", .count = 8, .image = "tiny", .roles = {"r"}}};
  spec.policy.parallel = 1;
  spec.policy.probe_parallel = 4;
  std::vector<model::Node> nodes;
  for (int i = 1; i <= 8; ++i) nodes.push_back(testing::TestNode("a", i, {"r"}));
  testing::SimulatedClock clock;
  testing::FakeHypervisor hypervisor;
  GaugedShell shell(/*target=*/4);
  ReconcilerOptions options = OptionsFromPolicy(spec);
  options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
  Reconciler reconciler(spec, nodes, hypervisor, shell, clock, options);
  ASSERT_TRUE(reconciler.ApplyPass().ok());  // creates the nodes, one at a time

  shell.Reset();
  absl::StatusOr<PassResult> pass = reconciler.PlanPass();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->observed.probes.size(), 8u);
  EXPECT_EQ(shell.max_in_flight(), 4);
  EXPECT_EQ(options.executor.parallel, 1);  // actions keep the policy's bound
}

}  // namespace
}  // namespace reconcile
