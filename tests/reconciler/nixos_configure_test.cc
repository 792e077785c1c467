// This test verifies that configuring a role with a NixOS step, through the
// fake node shell, places the rendered module and the imports file, makes the
// configuration import ./reconcile, runs nixos-rebuild with the step's mode,
// records the role; that a second pass does nothing; and that a module edited
// on the node or in the spec is drift that re-applies it.
#include <algorithm>
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/expand.h"
#include "model/loader.h"
#include "reconciler/nixos_step.h"
#include "reconciler/reconciler.h"
#include "tests/testing/fake_hypervisor.h"
#include "tests/testing/fake_node_shell.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile {
namespace {

using testing::FakeHypervisor;
using testing::FakeNodeShell;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kSpec[] = R"(cluster: nx
images:
  tiny: {kernel: /img/vmlinuz}
groups:
  web: {count: 2, image: tiny, roles: [web]}
roles:
  web:
    steps:
      - name: site
        files: [{path: /srv/www/index.html, content: "hello from {{ self.name }}"}]
      - name: os
        nixos: {module: web.nix, rebuild: test}
)";

struct Loaded {
  model::Spec spec;
  std::vector<model::Node> nodes;
};

Loaded Load(const std::string& module) {
  model::Diagnostics diagnostics;
  auto read = [module](const std::string&) -> absl::StatusOr<std::string> { return module; };
  absl::StatusOr<model::Spec> spec = model::ParseSpec(kSpec, "nx.yaml", diagnostics, read);
  EXPECT_TRUE(spec.ok()) << diagnostics.ToString();
  absl::StatusOr<std::vector<model::Node>> nodes = model::ExpandSpec(*spec);
  EXPECT_TRUE(nodes.ok()) << nodes.status();
  return {*spec, *nodes};
}

class NixosConfigureTest : public ::testing::Test {
 protected:
  // The import script and nixos-rebuild cannot run here (nixos_e2e_test runs
  // them on a guest); this suite checks what is placed and run, and in which
  // order.
  NixosConfigureTest() { shell_.AcceptEveryCommand(); }

  Reconciler Make(const Loaded& loaded) {
    ReconcilerOptions options;
    options.actions.authorized_key = "ssh-ed25519 AAAAoperator";
    return Reconciler(loaded.spec, loaded.nodes, hypervisor_, shell_, clock_, options);
  }

  // The commands a node ran other than probes' checks.
  std::vector<std::string> ConfigureCommands(const std::string& node) {
    std::vector<std::string> out;
    for (const std::string& command : shell_.commands(node)) {
      if (command.rfind("test ! -e ", 0) != 0) out.push_back(command);
    }
    return out;
  }

  FakeHypervisor hypervisor_;
  FakeNodeShell shell_;
  testing::SimulatedClock clock_;
};

TEST_F(NixosConfigureTest, PlacesTheModuleImportsItAndRebuilds) {
  Loaded loaded = Load("{ networking.hostName = \"{{ self.name }}\"; }\n");
  Reconciler reconciler = Make(loaded);
  ApplyOutcome outcome = ApplyUntilConverged(reconciler, 4, clock_, nullptr);
  ASSERT_TRUE(outcome.converged) << outcome.stopped_because;
  EXPECT_EQ(outcome.passes, 2) << "one pass acts, the next finds nothing to do";

  FakeNodeShell::Files files = shell_.files("nx-web-2");
  EXPECT_EQ(files["/etc/nixos/reconcile/web.nix"], "{ networking.hostName = \"nx-web-2\"; }\n");
  EXPECT_EQ(files["/etc/nixos/reconcile/default.nix"], NixosImportsModule());
  EXPECT_EQ(files["/srv/www/index.html"], "hello from nx-web-2");
  EXPECT_EQ(files["/var/lib/reconcile/roles/web.hash"], loaded.nodes[1].role_hashes.at("web"));
  EXPECT_THAT(files["/var/lib/reconcile/roles/web.files"],
              HasSubstr("  /etc/nixos/reconcile/web.nix\n"));
  EXPECT_THAT(ConfigureCommands("nx-web-2"),
              ElementsAre("mkdir -p /srv/www", "mkdir -p /etc/nixos/reconcile",
                          EnsureImportCommand(), "nixos-rebuild test",
                          "mkdir -p -m 0700 /var/lib/reconcile/roles"));
}

TEST_F(NixosConfigureTest, SecondApplyDoesNothing) {
  Loaded loaded = Load("{ }\n");
  Reconciler reconciler = Make(loaded);
  ASSERT_TRUE(ApplyUntilConverged(reconciler, 4, clock_, nullptr).converged);
  const size_t before = ConfigureCommands("nx-web-1").size();
  ApplyOutcome again = ApplyUntilConverged(reconciler, 4, clock_, nullptr);
  EXPECT_TRUE(again.converged);
  EXPECT_EQ(again.passes, 1);
  EXPECT_EQ(ConfigureCommands("nx-web-1").size(), before) << "no upload, import or rebuild";
}

TEST_F(NixosConfigureTest, ModuleEditedOnTheNodeIsDriftAndRestored) {
  Loaded loaded = Load("{ services.nginx.enable = true; }\n");
  Reconciler reconciler = Make(loaded);
  ASSERT_TRUE(ApplyUntilConverged(reconciler, 4, clock_, nullptr).converged);
  shell_.WriteFile("nx-web-1", "/etc/nixos/reconcile/web.nix", "{ }\n");

  absl::StatusOr<PassResult> drifted = reconciler.PlanPass();
  ASSERT_TRUE(drifted.ok()) << drifted.status();
  ASSERT_EQ(drifted->plan.actions.size(), 1u);
  EXPECT_EQ(drifted->plan.actions[0].kind, model::ActionKind::kConfigure);
  EXPECT_EQ(drifted->plan.actions[0].node, "nx-web-1");
  ASSERT_TRUE(ApplyUntilConverged(reconciler, 4, clock_, nullptr).converged);
  EXPECT_EQ(shell_.files("nx-web-1")["/etc/nixos/reconcile/web.nix"],
            "{ services.nginx.enable = true; }\n");
}

TEST_F(NixosConfigureTest, ModuleChangedInTheSpecIsConfiguredEverywhere) {
  {
    Loaded first = Load("{ services.nginx.enable = true; }\n");
    Reconciler reconciler = Make(first);
    ASSERT_TRUE(ApplyUntilConverged(reconciler, 4, clock_, nullptr).converged);
  }
  Loaded edited = Load("{ services.nginx.enable = false; }\n");
  Reconciler reconciler = Make(edited);
  absl::StatusOr<PassResult> plan = reconciler.PlanPass();
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->plan.actions.size(), 2u);
  for (const model::Action& action : plan->plan.actions) {
    EXPECT_EQ(action.kind, model::ActionKind::kConfigure);
    EXPECT_EQ(action.role, "web");
  }
  ASSERT_TRUE(ApplyUntilConverged(reconciler, 4, clock_, nullptr).converged);
  const std::vector<std::string> commands = ConfigureCommands("nx-web-1");
  EXPECT_EQ(std::count(commands.begin(), commands.end(), "nixos-rebuild test"), 2);
  EXPECT_EQ(shell_.files("nx-web-1")["/etc/nixos/reconcile/web.nix"],
            "{ services.nginx.enable = false; }\n");
}

TEST_F(NixosConfigureTest, FailingRebuildFailsTheActionAndRecordsNothing) {
  shell_.SetHandler([](const std::string&, const std::string& command, FakeNodeShell::Files&)
                        -> std::optional<drivers::CommandResult> {
    if (command == "nixos-rebuild test") {
      return drivers::CommandResult{.exit_status = 1, .stderr_data = "error: undefined variable 'x'\n"};
    }
    return std::nullopt;
  });
  Loaded loaded = Load("{ x }\n");
  Reconciler reconciler = Make(loaded);
  absl::StatusOr<PassResult> pass = reconciler.ApplyPass();
  ASSERT_TRUE(pass.ok()) << pass.status();
  bool failed = false;
  for (const ActionResult& result : pass->execution.results) {
    if (result.outcome != Outcome::kFailed) continue;
    failed = true;
    EXPECT_EQ(result.status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(result.status.message()),
                HasSubstr("`nixos-rebuild test` exited 1: error: undefined variable 'x'"));
  }
  EXPECT_TRUE(failed);
  EXPECT_EQ(shell_.files("nx-web-1").count("/var/lib/reconcile/roles/web.hash"), 0u);
}

// This test verifies that a configuration the import cannot be added to stops
// the step before any rebuild, with the node's explanation.
TEST_F(NixosConfigureTest, ImportFailureStopsBeforeTheRebuild) {
  shell_.SetHandler([](const std::string&, const std::string& command, FakeNodeShell::Files&)
                        -> std::optional<drivers::CommandResult> {
    if (command == EnsureImportCommand()) {
      return drivers::CommandResult{.exit_status = 1, .stderr_data = "has no 'imports = [' list\n"};
    }
    return std::nullopt;
  });
  Reconciler reconciler = Make(Load("{ }\n"));
  absl::StatusOr<PassResult> pass = reconciler.ApplyPass();
  ASSERT_TRUE(pass.ok()) << pass.status();
  int failed = 0;
  for (const ActionResult& result : pass->execution.results) {
    if (result.outcome != Outcome::kFailed) continue;
    ++failed;
    EXPECT_THAT(std::string(result.status.message()),
                HasSubstr("importing ./reconcile into configuration.nix exited 1: has no 'imports = [' list"));
  }
  EXPECT_EQ(failed, 2);
  for (const std::string node : {"nx-web-1", "nx-web-2"}) {
    const std::vector<std::string> commands = shell_.commands(node);
    EXPECT_EQ(std::count(commands.begin(), commands.end(), "nixos-rebuild test"), 0) << node;
  }
}

}  // namespace
}  // namespace reconcile
