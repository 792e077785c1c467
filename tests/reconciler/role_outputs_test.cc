// Role outputs through the loop: checks evaluated with them, taken once per
// pass however many dependants need them, never run by a plan.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reconciler/join_cluster.h"

namespace reconcile {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using RoleOutputsTest = JoinClusterTest;

int CommandsLike(FakeNodeShell& shell, const std::string& node, const std::string& command) {
  int n = 0;
  for (const std::string& c : shell.commands(node)) n += c == command;
  return n;
}

// This test verifies that a check referencing another role's output is
// evaluated with that output during observation: the cluster converges and
// the next plan is empty, and a provider whose output changed makes the
// dependants' checks fail again in the next apply pass (before, such a check
// could never pass). A plan cannot see the change: it runs no output command
// and evaluates the checks with the values recorded when they were given.
TEST_F(RoleOutputsTest, CheckUsingAnOutputConvergesAndSeesTheOutputChange) {
  std::string token = kToken;
  shell_.SetHandler([&](const std::string& node, const std::string& command,
                        FakeNodeShell::Files& files) -> std::optional<drivers::CommandResult> {
    if (command == "print-token") return drivers::CommandResult{.exit_status = 0, .stdout_data = token + "\n"};
    if (command == "kubeadm-init") {
      files["/etc/admin.conf"] = "admin";
      return drivers::CommandResult{.exit_status = 0};
    }
    if (command == "join-with-token") {
      files["/etc/joined"] = files["/etc/join.conf"];
      return drivers::CommandResult{.exit_status = 0};
    }
    if (command.rfind("joined-with ", 0) == 0) {
      const std::string wanted = command.substr(12);
      const bool joined = files["/etc/joined"].find("token=" + wanted + "\n") != std::string::npos;
      return drivers::CommandResult{.exit_status = joined ? 0 : 1};
    }
    return std::nullopt;
  });
  model::Spec spec = JoinSpec();
  spec.roles[1].steps[0].check = "joined-with {{ role.control.outputs.token }}";
  Reconciler reconciler = Make(spec);
  ApplyOutcome outcome = Apply(reconciler);
  ASSERT_TRUE(outcome.converged) << outcome.stopped_because;
  EXPECT_EQ(outcome.passes, 2);

  token = "tok-rotated";
  absl::StatusOr<PassResult> planned = reconciler.PlanPass();
  ASSERT_TRUE(planned.ok()) << planned.status();
  EXPECT_TRUE(planned->plan.converged()) << "a plan runs no output command";
  const int before = CommandsLike(shell_, "lab-cp-1", "print-token");
  absl::StatusOr<PassResult> rotated = reconciler.ApplyPass();
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  ASSERT_EQ(rotated->plan.actions.size(), 2u);
  EXPECT_EQ(rotated->plan.actions[0].reason, "a check fails");
  // Taken once while observing, for the checks, and given to the configures
  // that pass: not read a second time for them.
  EXPECT_EQ(CommandsLike(shell_, "lab-cp-1", "print-token"), before + 1);
  ASSERT_TRUE(Apply(reconciler).converged);
  EXPECT_THAT(shell_.files("lab-wk-2")["/etc/join.conf"], HasSubstr("token=tok-rotated\n"));
}

// This test verifies that an output many dependants need at once runs once per
// pass (before, each concurrent configure ran `kubeadm token create` itself).
TEST_F(RoleOutputsTest, AnOutputRunsOncePerPassForAllDependants) {
  model::Spec spec = JoinSpec();
  spec.groups[1].count = 8;
  std::vector<Node> nodes = JoinNodes(8);
  ReconcilerOptions options;
  options.executor.parallel = 8;
  options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
  Reconciler reconciler(spec, nodes, hypervisor_, shell_, clock_, options);
  ASSERT_TRUE(reconciler.ApplyPass().ok());
  EXPECT_EQ(CommandsLike(shell_, "lab-cp-1", "print-token"), 1);
}

// This test verifies that a plan (and so status) runs no output command on any
// node, even where dependants' checks need the output: it reads what the
// provider recorded when it last gave the value, and a converged cluster
// still plans nothing.
TEST_F(RoleOutputsTest, PlanRunsNoOutputCommandAndStillSeesConvergence) {
  model::Spec spec = JoinSpec();
  spec.roles[1].steps[0].check = "grep -qx {{ role.control.outputs.token }} /etc/joined";
  shell_.Accept("grep");  // /etc/joined is written with the token by the step
  Reconciler reconciler = Make(spec, JoinNodes());
  ASSERT_TRUE(Apply(reconciler).converged);
  const int before = CommandsLike(shell_, "lab-cp-1", "print-token");
  absl::StatusOr<PassResult> plan = reconciler.PlanPass();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(plan->plan.converged());
  EXPECT_EQ(CommandsLike(shell_, "lab-cp-1", "print-token"), before);
  EXPECT_FALSE(shell_.files("lab-cp-1")["/var/lib/reconcile/roles/control.outputs"].empty());
}

}  // namespace
}  // namespace reconcile
