// This test verifies that Observe renders each node's checks with that node's
// own values (self.name, self.index, its group's vars) when probes run in
// parallel on render contexts shared between workers: nothing of one node may
// leak into another's probe.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconciler/reconciler.h"
#include "tests/testing/fake_hypervisor.h"
#include "tests/testing/fake_node_shell.h"
#include "tests/testing/nodes.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile {
namespace {

using ::testing::Contains;

TEST(ObserveContextsTest, EachProbeCarriesItsOwnNodesValues) {
  model::Spec spec;
  spec.cluster = "lab";
  spec.vars = {{.name = "color", .value = "grey"}};
  spec.roles = {{.name = "r",
                 .steps = {{.name = "s",
                            .run = "true",
                            .check = "check-{{ self.name }}-{{ self.index }}-{{ vars.color }}"}}}};
  spec.groups = {{.name = "a", .count = 6, .image = "tiny", .roles = {"r"},
                  .vars = {{.name = "color", .value = "red"}}},
                 {.name = "b", .count = 6, .image = "tiny", .roles = {"r"}}};
  std::vector<model::Node> nodes;
  for (const char* group : {"a", "b"}) {
    for (int i = 1; i <= 6; ++i) nodes.push_back(testing::TestNode(group, i, {"r"}));
  }
  testing::SimulatedClock clock;
  testing::FakeHypervisor hypervisor;
  testing::FakeNodeShell shell;
  ReconcilerOptions options;
  options.executor.retries = 0;
  options.observe.parallel = 4;  // fewer workers than nodes: contexts are reused
  options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
  Reconciler reconciler(spec, nodes, hypervisor, shell, clock, options);
  ASSERT_TRUE(reconciler.ApplyPass().ok());  // creates every node
  absl::StatusOr<PassResult> pass = reconciler.PlanPass();
  ASSERT_TRUE(pass.ok()) << pass.status();

  for (const model::Node& node : nodes) {
    const std::string color = node.group == "a" ? "red" : "grey";
    const std::string expected =
        "check-" + node.name + "-" + std::to_string(node.index) + "-" + color;
    EXPECT_THAT(shell.commands(node.name), Contains(expected)) << node.name;
    for (const std::string& command : shell.commands(node.name)) {
      if (command.rfind("check-", 0) == 0) {
        EXPECT_EQ(command, expected) << node.name;
      }
    }
  }
}

}  // namespace
}  // namespace reconcile
