// This test verifies that the NixOS cluster recipes (specs/k8s-nixos.yaml,
// specs/slurm-nixos.yaml) validate with the built binary and plan against
// libvirt's test driver in the expected order: every node created, the
// control plane / controller configured before any worker / compute node
// (by the plan's dependencies, not just its listing order).
#include <map>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/reconcile_binary.h"

namespace reconcile {
namespace {

using testing::BinaryRun;
using testing::LabHost;
using testing::RunReconcile;

nlohmann::json PlanJson(const std::string& spec) {
  BinaryRun run = RunReconcile("plan " + spec + " --connect " + LabHost() + " --json");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return nlohmann::json::parse(run.out);
}

// Every action id `id` waits for, directly or through others.
std::set<int> Prerequisites(const nlohmann::json& actions, int id) {
  std::map<int, std::vector<int>> depends;
  for (const auto& action : actions) {
    depends[action["id"].get<int>()] = action["depends_on"].get<std::vector<int>>();
  }
  std::set<int> seen;
  std::vector<int> todo = depends[id];
  while (!todo.empty()) {
    const int next = todo.back();
    todo.pop_back();
    if (seen.insert(next).second) {
      for (int more : depends[next]) todo.push_back(more);
    }
  }
  return seen;
}

// Ids of the actions of `kind` (and `role`, for configure) on `node`.
std::vector<int> Find(const nlohmann::json& actions, const std::string& kind,
                      const std::string& node, const std::string& role = "") {
  std::vector<int> ids;
  for (const auto& action : actions) {
    if (action["kind"] == kind && action["node"] == node &&
        (role.empty() || action.value("role", "") == role)) {
      ids.push_back(action["id"].get<int>());
    }
  }
  return ids;
}

TEST(RecipesCli, BothRecipesValidate) {
  BinaryRun run = RunReconcile("validate specs/k8s-nixos.yaml specs/slurm-nixos.yaml");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
}

TEST(RecipesCli, KubernetesPlanInitialisesTheControlPlaneBeforeWorkers) {
  nlohmann::json plan = PlanJson("specs/k8s-nixos.yaml");
  const nlohmann::json& actions = plan["actions"];
  ASSERT_EQ(actions.size(), 6u) << plan.dump(2);  // 3 creates, 3 configures
  const std::vector<int> control = Find(actions, "configure", "k8s-control-1", "k8s-control-plane");
  ASSERT_EQ(control.size(), 1u);
  EXPECT_EQ(Find(actions, "create", "k8s-control-1").size(), 1u);
  for (const std::string worker : {"k8s-worker-1", "k8s-worker-2"}) {
    EXPECT_EQ(Find(actions, "create", worker).size(), 1u) << worker;
    const std::vector<int> join = Find(actions, "configure", worker, "k8s-worker");
    ASSERT_EQ(join.size(), 1u) << worker;
    EXPECT_TRUE(Prerequisites(actions, join[0]).contains(control[0]))
        << worker << " joins only after the control plane is configured";
    EXPECT_GT(join[0], control[0]) << "listed after it too";
  }
  EXPECT_TRUE(Prerequisites(actions, control[0]).contains(Find(actions, "create", "k8s-control-1")[0]));
}

TEST(RecipesCli, SlurmPlanConfiguresTheControllerBeforeComputeNodes) {
  nlohmann::json plan = PlanJson("specs/slurm-nixos.yaml");
  const nlohmann::json& actions = plan["actions"];
  // 4 creates; slurm-common on 4 nodes, slurm-controller once, slurm-compute 3 times.
  ASSERT_EQ(actions.size(), 12u) << plan.dump(2);
  const std::vector<int> controller =
      Find(actions, "configure", "hpc-controller-1", "slurm-controller");
  ASSERT_EQ(controller.size(), 1u);
  for (int i = 1; i <= 3; ++i) {
    const std::string node = "hpc-compute-" + std::to_string(i);
    ASSERT_EQ(Find(actions, "configure", node, "slurm-common").size(), 1u) << node;
    const std::vector<int> compute = Find(actions, "configure", node, "slurm-compute");
    ASSERT_EQ(compute.size(), 1u) << node;
    EXPECT_TRUE(Prerequisites(actions, compute[0]).contains(controller[0])) << node;
    EXPECT_TRUE(Prerequisites(actions, compute[0])
                    .contains(Find(actions, "configure", node, "slurm-common")[0]))
        << node << ": its topology module before its slurmd";
  }
}

}  // namespace
}  // namespace reconcile
