// This test verifies that `reconcile graph` prints the plan of a spec against
// libvirt's test driver as Graphviz DOT whose edges are the plan's
// dependencies, and, where Graphviz is installed, that `dot` accepts it.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/reconcile_binary.h"
#include "tests/lab/command_runner.h"

namespace reconcile::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(GraphCli, PrintsThePlanAsDot) {
  BinaryRun run = RunReconcile("graph specs/lab.yaml --connect " + LabHost());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, StartsWith("digraph \"plan lab\" {\n"));
  // specs/lab.yaml: a leader and two members; the members' role comes after
  // the leader's, so each member's configure depends on the leader's.
  EXPECT_THAT(run.out, HasSubstr("[label=\"create\\nlab-leader-1\""));
  EXPECT_THAT(run.out, HasSubstr("[label=\"configure leader\\nlab-leader-1\""));
  EXPECT_THAT(run.out, HasSubstr("[label=\"configure member\\nlab-member-2\""));
  int edges = 0;
  for (size_t at = run.out.find(" -> "); at != std::string::npos; at = run.out.find(" -> ", at + 1)) {
    ++edges;
  }
  // Each configure waits for its create; both member configures for the leader's.
  EXPECT_EQ(edges, 5) << run.out;
  EXPECT_THAT(run.out, ::testing::EndsWith("}\n"));
}

TEST(GraphCli, DotAcceptsTheOutput) {
  if (std::system("command -v dot >/dev/null 2>&1") != 0) {
    if (InCi()) {
      FAIL() << "CI=true but Graphviz `dot` is missing (scripts/install-deps.sh installs it)";
    }
    GTEST_SKIP() << "Graphviz `dot` is not installed (optional; apt-get install graphviz)";
  }
  BinaryRun run = RunReconcile("graph specs/lab.yaml --connect " + LabHost());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const fs::path dir = fs::temp_directory_path() / ("reconcile-graph-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "plan.dot") << run.out;
  const std::string command = "dot -Tsvg " + (dir / "plan.dot").string() + " -o " +
                              (dir / "plan.svg").string() + " 2>" + (dir / "err").string();
  const int status = std::system(command.c_str());
  const std::string svg = SlurpFile(dir / "plan.svg");
  const std::string err = SlurpFile(dir / "err");
  fs::remove_all(dir);
  EXPECT_EQ(status, 0) << err;
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_THAT(svg, HasSubstr("configure member"));  // dot writes "-" as &#45;
}

TEST(GraphCli, MissingSpecIsAnError) {
  BinaryRun run = RunReconcile("graph /nonexistent/spec.yaml --connect test:///default");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("/nonexistent/spec.yaml"));
  EXPECT_EQ(run.out, "");
}

}  // namespace
}  // namespace reconcile::testing
