// This test verifies the built `reconcile` binary end to end for the validate
// command: output and exit codes for valid, invalid, missing and mixed specs,
// --help, and that no malformed spec makes the process die from a signal.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/reconcile_binary.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

using Outcome = ::reconcile::testing::BinaryRun;

Outcome Reconcile(const std::string& args) { return ::reconcile::testing::RunReconcile(args); }

TEST(ValidateCliTest, ValidSpecPrintsSummaryAndExitsZero) {
  Outcome run = Reconcile("validate specs/lab.yaml");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "ok: specs/lab.yaml: cluster lab: 3 nodes in 2 groups\n");
  EXPECT_EQ(run.err, "");
}

// Each ok line names its file, so several files are told apart.
TEST(ValidateCliTest, EveryExampleSpecValidates) {
  Outcome run = Reconcile("validate specs/lab.yaml specs/k8s-kubeadm.yaml specs/slurm.yaml");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "ok: specs/lab.yaml: cluster lab: 3 nodes in 2 groups\n"
            "ok: specs/k8s-kubeadm.yaml: cluster k8s: 4 nodes in 2 groups\n"
            "ok: specs/slurm.yaml: cluster hpc: 5 nodes in 2 groups\n");
}

// A count of one is "1 node in 1 group", not "1 nodes in 1 groups".
TEST(ValidateCliTest, OneNodeInOneGroupIsSingular) {
  const fs::path dir = fs::temp_directory_path() / ("reconcile-validate-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "one.yaml") << "cluster: one\n"
                                     "hypervisor: {uri: 'test:///default', network: default, pool: default}\n"
                                     "images: {base: {disk: /base.qcow2}}\n"
                                     "groups: {web: {count: 1, image: base}}\n";
  Outcome run = Reconcile("validate " + (dir / "one.yaml").string());
  fs::remove_all(dir);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "ok: " + (dir / "one.yaml").string() + ": cluster one: 1 node in 1 group\n");
}

TEST(ValidateCliTest, InvalidSpecPrintsLocatedDiagnosticsAndExitsOne) {
  Outcome run = Reconcile("validate tests/model/malformed/59-many-problems.yaml");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "tests/model/malformed/59-many-problems.yaml:9:16: 'count' must be an integer, got '0x10'\n"
            "tests/model/malformed/59-many-problems.yaml:9:35: unknown key 'cpu' in group 'web', did you mean 'cpus'?\n"
            "tests/model/malformed/59-many-problems.yaml:10:25: unknown image 'nope'\n"
            "tests/model/malformed/59-many-problems.yaml:10:39: 'memory': 'lots' is not a size; write e.g. 512MiB, 4GiB or 20G\n");
}

TEST(ValidateCliTest, MixedSpecsReportEachAndFail) {
  Outcome run = Reconcile("validate specs/lab.yaml tests/model/malformed/25-unknown-image.yaml");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "ok: specs/lab.yaml: cluster lab: 3 nodes in 2 groups\n");
  EXPECT_THAT(run.err, HasSubstr("25-unknown-image.yaml:6:26: unknown image 'bsae', did you mean 'base'?"));
}

TEST(ValidateCliTest, MissingFileIsADiagnosticNotACrash) {
  Outcome run = Reconcile("validate /nonexistent/spec.yaml");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("/nonexistent/spec.yaml:1:1: cannot read file"));
}

TEST(ValidateCliTest, HelpIsAvailableForTheToolAndTheCommand) {
  Outcome top = Reconcile("--help");
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_THAT(top.out, HasSubstr("validate"));
  Outcome command = Reconcile("validate --help");
  EXPECT_EQ(command.exit_code, 0);
  EXPECT_THAT(command.out, HasSubstr("SPEC"));
}

TEST(ValidateCliTest, UsageErrorsExitOne) {
  Outcome none = Reconcile("validate");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_THAT(none.err, HasSubstr("SPEC"));
  Outcome unknown = Reconcile("frobnicate");
  EXPECT_EQ(unknown.exit_code, 1);
}

TEST(ValidateCliTest, NoMalformedSpecEndsInASignal) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator("tests/model/malformed")) {
    if (entry.path().extension() != ".yaml") continue;
    Outcome run = Reconcile("validate " + entry.path().string());
    EXPECT_FALSE(run.signalled) << entry.path();
    EXPECT_EQ(run.exit_code, 1) << entry.path();
    EXPECT_THAT(run.err, MatchesRegex("(.*\\.yaml:[0-9]+:[0-9]+: [^\n]+\n)+")) << entry.path();
    ++checked;
  }
  EXPECT_GE(checked, 40);
}

}  // namespace
