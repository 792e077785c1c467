// The cluster most reconciler suites run: a control plane whose secret output
// (a token) the workers put in a file and pass to their join step, the shape
// of the kubeadm join; fakes that behave like the nodes; and a fixture that
// runs passes and keeps them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "reconciler/reconciler.h"
#include "tests/testing/fake_hypervisor.h"
#include "tests/testing/fake_node_shell.h"
#include "tests/testing/nodes.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile {

using model::Node;
using testing::FakeHypervisor;
using testing::FakeNodeShell;

inline constexpr char kToken[] = "tok-3f9a1c";  // a secret output

// A control plane that writes a token and exposes it as a secret output; two
// workers that need it in a file: the shape of the kubeadm join.
inline model::Spec JoinSpec() {
  model::Spec spec;
  spec.cluster = "lab";
  model::RoleSpec control{.name = "control"};
  control.steps = {{.name = "init", .run = "kubeadm-init", .check = "test -f /etc/admin.conf"}};
  control.outputs = {{.name = "token", .command = "print-token", .secret = true}};
  model::RoleSpec worker{.name = "worker", .after = {"control"}};
  worker.steps = {{.name = "join",
                   .run = "join-with-token",
                   .check = "test -f /etc/joined",
                   .files = {{.path = "/etc/join.conf",
                              .content = "server={{ group.cp.ips }}\ntoken={{ role.control.outputs.token }}\n",
                              .mode = 0600}}}};
  spec.roles = {control, worker};
  spec.groups = {{.name = "cp", .count = 1, .image = "tiny", .roles = {"control"}},
                 {.name = "wk", .count = 2, .image = "tiny", .roles = {"worker"}}};
  spec.policy.prune = true;
  return spec;
}

inline std::vector<Node> JoinNodes(int workers = 2) {
  std::vector<Node> nodes = {testing::TestNode("cp", 1, {"control"})};
  for (int i = 1; i <= workers; ++i) nodes.push_back(testing::TestNode("wk", i, {"worker"}));
  return nodes;
}

// Node behaviour: the steps create the files their checks look for; the
// output command prints the token.
inline void EmulateNodes(FakeNodeShell& shell) {
  shell.SetHandler([](const std::string&, const std::string& command, FakeNodeShell::Files& files)
                       -> std::optional<drivers::CommandResult> {
    if (command == "kubeadm-init") {
      files["/etc/admin.conf"] = "admin";
      return drivers::CommandResult{.exit_status = 0};
    }
    if (command == "join-with-token") {
      if (files["/etc/join.conf"].find(kToken) == std::string::npos) {
        return drivers::CommandResult{.exit_status = 3, .stderr_data = "no token"};
      }
      files["/etc/joined"] = "yes";
      return drivers::CommandResult{.exit_status = 0};
    }
    if (command == "print-token") return drivers::CommandResult{.exit_status = 0, .stdout_data = std::string(kToken) + "\n"};
    return std::nullopt;
  });
}

// Runs passes on the fakes with this cluster's defaults and keeps each pass.
class JoinClusterTest : public ::testing::Test {
 protected:
  JoinClusterTest() { EmulateNodes(shell_); }

  Reconciler Make(model::Spec spec = JoinSpec(), std::vector<Node> nodes = JoinNodes()) {
    ReconcilerOptions options;
    options.executor.parallel = 4;
    options.executor.retries = 2;
    options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
    return Reconciler(std::move(spec), std::move(nodes), hypervisor_, shell_, clock_, options);
  }

  ApplyOutcome Apply(Reconciler& reconciler, int max_passes = 5) {
    return ApplyUntilConverged(reconciler, max_passes, clock_,
                               [&](const PassResult& pass) { passes_.push_back(pass); });
  }

  FakeHypervisor hypervisor_;
  FakeNodeShell shell_;
  testing::SimulatedClock clock_;
  std::vector<PassResult> passes_;
};

}  // namespace reconcile
