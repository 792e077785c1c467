// This test verifies the NixOS recipes in specs/ end to end against the fake
// hypervisor and node shell: what each node receives (the rendered modules:
// slurm's topology listing every compute node with its address, CPUs and
// memory; the worker module pointing at the control plane), that workers join
// with the control plane's captured command only after it is ready, and that
// scaling the compute group re-renders the topology on every existing node
// (configure slurm-common everywhere).
#include <algorithm>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/expand.h"
#include "model/loader.h"
#include "reconciler/reconciler.h"
#include "tests/testing/fake_hypervisor.h"
#include "tests/testing/fake_node_shell.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile {
namespace {

using testing::FakeHypervisor;
using testing::FakeNodeShell;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kMungeKey[] = "bXVuZ2Uta2V5LWJ5dGVz";
constexpr char kJoin[] = "echo tok-93c1 | nixos-kubernetes-node-join";
constexpr char kApiToken[] = "/var/lib/kubernetes/secrets/apitoken.secret";

model::Spec Load(const std::string& path) {
  model::Diagnostics diagnostics;
  absl::StatusOr<model::Spec> spec = model::LoadSpec(path, diagnostics);
  EXPECT_TRUE(spec.ok()) << diagnostics.ToString();
  return spec.ok() ? *spec : model::Spec{};
}

std::vector<model::Node> Expand(const model::Spec& spec) {
  absl::StatusOr<std::vector<model::Node>> nodes = model::ExpandSpec(spec);
  EXPECT_TRUE(nodes.ok()) << nodes.status();
  return nodes.ok() ? *nodes : std::vector<model::Node>{};
}

class RecipesTest : public ::testing::Test {
 protected:
  RecipesTest() {
    // The recipes' commands (kubeadm, systemctl, nixos-rebuild) cannot run
    // here; this suite checks order and rendered content, the handler below
    // the few commands whose output the recipes consume.
    shell_.AcceptEveryCommand();
    shell_.SetHandler([this](const std::string& node, const std::string& command,
                             FakeNodeShell::Files& files) -> std::optional<drivers::CommandResult> {
      if (command == "base64 -w0 /etc/munge/munge.key") {
        return drivers::CommandResult{.exit_status = 0, .stdout_data = kMungeKey};
      }
      if (command.rfind("printf 'echo %s | nixos-kubernetes-node-join", 0) == 0) {
        return drivers::CommandResult{.exit_status = 0, .stdout_data = std::string(kJoin) + "\n"};
      }
      if (command == std::string("test -s ") + kApiToken) {
        return drivers::CommandResult{.exit_status = files.count(kApiToken) ? 0 : 1};
      }
      if (command == "nixos-rebuild switch" && node.find("-control-") != std::string::npos) {
        files[kApiToken] = "tok-93c1";  // easyCerts on the control plane made it
        control_ready_ = true;
      }
      if (command == kJoin) {
        if (!control_ready_) return drivers::CommandResult{.exit_status = 1, .stderr_data = "no CA"};
        files[kApiToken] = "tok-93c1";
      }
      return std::nullopt;
    });
  }

  Reconciler Make(const model::Spec& spec, const std::vector<model::Node>& nodes) {
    ReconcilerOptions options;
    options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
    return Reconciler(spec, nodes, hypervisor_, shell_, clock_, options);
  }

  // The address the fake hypervisor leased to `node` (in creation order).
  std::string Ip(const std::string& node) {
    absl::StatusOr<std::string> ip = hypervisor_.DiscoverAddress(node, absl::Seconds(1));
    EXPECT_TRUE(ip.ok()) << ip.status();
    return ip.ok() ? *ip : "";
  }

  FakeHypervisor hypervisor_;
  FakeNodeShell shell_;
  testing::SimulatedClock clock_;
  bool control_ready_ = false;
};

TEST_F(RecipesTest, KubernetesWorkersJoinTheControlPlane) {
  model::Spec spec = Load("specs/k8s-nixos.yaml");
  Reconciler reconciler = Make(spec, Expand(spec));
  ApplyOutcome outcome = ApplyUntilConverged(reconciler, 5, clock_, nullptr);
  ASSERT_TRUE(outcome.converged) << outcome.stopped_because;

  const std::string control = shell_.files("k8s-control-1")["/etc/nixos/reconcile/k8s-control-plane.nix"];
  EXPECT_THAT(control, HasSubstr("networking.hostName = \"k8s-control-1\";"));
  EXPECT_THAT(control, HasSubstr("advertiseAddress = \"" + Ip("k8s-control-1") + "\";"));
  for (const std::string worker : {"k8s-worker-1", "k8s-worker-2"}) {
    FakeNodeShell::Files files = shell_.files(worker);
    const std::string module = files["/etc/nixos/reconcile/k8s-worker.nix"];
    EXPECT_THAT(module, HasSubstr("networking.extraHosts = \"" + Ip("k8s-control-1") + " k8s-control-1\";"));
    EXPECT_THAT(module, HasSubstr("masterAddress = \"k8s-control-1\";"));
    EXPECT_THAT(module, Not(HasSubstr("{{")));
    const std::vector<std::string> commands = shell_.commands(worker);
    EXPECT_EQ(std::count(commands.begin(), commands.end(), kJoin), 1) << worker;
    EXPECT_EQ(files[kApiToken], "tok-93c1") << worker << " joined";
  }
}

TEST_F(RecipesTest, SlurmTopologyListsEveryComputeNodeAndTheKeyIsDistributed) {
  model::Spec spec = Load("specs/slurm-nixos.yaml");
  Reconciler reconciler = Make(spec, Expand(spec));
  ASSERT_TRUE(ApplyUntilConverged(reconciler, 5, clock_, nullptr).converged);

  const std::string nodes = "hpc-compute-1,hpc-compute-2,hpc-compute-3";
  const std::string addresses =
      Ip("hpc-compute-1") + "," + Ip("hpc-compute-2") + "," + Ip("hpc-compute-3");
  for (const std::string node : {"hpc-controller-1", "hpc-compute-1", "hpc-compute-2", "hpc-compute-3"}) {
    const std::string topology = shell_.files(node)["/etc/nixos/reconcile/slurm-common.nix"];
    EXPECT_THAT(topology, HasSubstr("\"" + nodes + " NodeAddr=" + addresses +
                                    " CPUs=4 RealMemory=8192 State=UNKNOWN\""))
        << node << ":\n" << topology;
    EXPECT_THAT(topology, HasSubstr("\"main Nodes=" + nodes + " Default=YES"));
    EXPECT_THAT(topology, HasSubstr("controlMachine = \"hpc-controller-1\";"));
    EXPECT_THAT(topology, HasSubstr("controlAddr = \"" + Ip("hpc-controller-1") + "\";"));
    EXPECT_THAT(topology, HasSubstr("networking.hostName = \"" + node + "\";"));
  }
  for (const std::string node : {"hpc-compute-1", "hpc-compute-2", "hpc-compute-3"}) {
    EXPECT_EQ(shell_.files(node)["/etc/munge/munge.key.b64"], kMungeKey) << node;
  }
  EXPECT_EQ(shell_.files("hpc-controller-1").count("/etc/munge/munge.key.b64"), 0u);
}

TEST_F(RecipesTest, ScalingComputeReRendersTheTopologyOnEveryNode) {
  model::Spec spec = Load("specs/slurm-nixos.yaml");
  std::vector<model::Node> three = Expand(spec);
  {
    Reconciler reconciler = Make(spec, three);
    ASSERT_TRUE(ApplyUntilConverged(reconciler, 5, clock_, nullptr).converged);
  }
  for (model::GroupSpec& group : spec.groups) {
    if (group.name == "compute") group.count = 4;
  }
  std::vector<model::Node> four = Expand(spec);
  for (size_t i = 0; i < three.size(); ++i) {
    EXPECT_NE(three[i].role_hashes.at("slurm-common"), four[i].role_hashes.at("slurm-common"))
        << three[i].name << ": the rendered topology (slurm.conf) changed";
  }
  Reconciler reconciler = Make(spec, four);
  absl::StatusOr<PassResult> plan = reconciler.PlanPass();
  ASSERT_TRUE(plan.ok()) << plan.status();
  for (const model::Node& node : three) {
    const bool reconfigured = std::any_of(
        plan->plan.actions.begin(), plan->plan.actions.end(), [&](const model::Action& action) {
          return action.kind == model::ActionKind::kConfigure && action.node == node.name &&
                 action.role == "slurm-common";
        });
    EXPECT_TRUE(reconfigured) << node.name;
  }
  ASSERT_TRUE(ApplyUntilConverged(reconciler, 5, clock_, nullptr).converged);
  EXPECT_THAT(shell_.files("hpc-controller-1")["/etc/nixos/reconcile/slurm-common.nix"],
              HasSubstr("hpc-compute-1,hpc-compute-2,hpc-compute-3,hpc-compute-4 NodeAddr="));
  EXPECT_EQ(shell_.files("hpc-compute-4")["/etc/munge/munge.key.b64"], kMungeKey);
}

}  // namespace
}  // namespace reconcile
