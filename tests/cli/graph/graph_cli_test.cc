// This test verifies that `reconcile graph` prints the plan of a spec against
// libvirt's test driver as Graphviz DOT whose edges are the plan's
// dependencies, with problems and orphans beside it (exit 1 on problems, as
// `plan`), and, where Graphviz is installed, that `dot` accepts and shows it.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/reconcile_binary.h"
#include "tests/testing/ci.h"

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

// Runs `dot -Tsvg` over `dot_text`; "" when Graphviz refused it (the
// failure is recorded).
std::string Svg(const std::string& dot_text) {
  const fs::path dir = fs::temp_directory_path() / ("reconcile-graph-svg-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "plan.dot") << dot_text;
  const std::string command = "dot -Tsvg " + (dir / "plan.dot").string() + " -o " +
                              (dir / "plan.svg").string() + " 2>" + (dir / "err").string();
  const int status = std::system(command.c_str());
  const std::string svg = SlurpFile(dir / "plan.svg");
  const std::string err = SlurpFile(dir / "err");
  fs::remove_all(dir);
  EXPECT_EQ(status, 0) << err;
  return status == 0 ? svg : "";
}

bool HaveDot() {
  if (std::system("command -v dot >/dev/null 2>&1") == 0) return true;
  if (InCi()) ADD_FAILURE() << "CI=true but Graphviz `dot` is missing (scripts/install-deps.sh installs it)";
  return false;
}

// This test verifies that a plan's problems and orphans are in the graph,
// visibly once rendered, and that a plan with problems exits 1 as `plan`
// does: an unmanaged domain holds lab-member-2's name (a problem), and with
// prune off an owned domain no longer in the spec is an orphan.
TEST(GraphCli, ShowsProblemsAndOrphansAndExitsOneOnProblems) {
  const std::string world =
      "test://" + fs::absolute("tests/cli/json_schema/world.xml").string();
  const fs::path dir = fs::temp_directory_path() / ("reconcile-graph-spec-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string spec = SlurpFile("specs/lab.yaml");
  const size_t prune = spec.find("prune: true");
  ASSERT_NE(prune, std::string::npos);
  spec.replace(prune, 11, "prune: false");
  std::ofstream(dir / "lab.yaml") << spec;
  BinaryRun run = RunReconcile("graph " + (dir / "lab.yaml").string() + " --connect " + world);
  fs::remove_all(dir);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.out, HasSubstr("subgraph cluster_problems {"));
  EXPECT_THAT(run.out, HasSubstr("p0 [label=\"lab-member-2\\na domain named 'lab-member-2'"));
  EXPECT_THAT(run.out, HasSubstr("o0 [label=\"lab-member-3\""));
  EXPECT_THAT(run.out, HasSubstr("[label=\"replace\\nlab-leader-1\""));  // the DAG is still there
  if (!HaveDot()) GTEST_SKIP() << "Graphviz `dot` is not installed (optional; apt-get install graphviz)";
  const std::string svg = Svg(run.out);
  EXPECT_THAT(svg, HasSubstr("lab&#45;member&#45;3"));  // dot writes "-" as &#45;
  EXPECT_THAT(svg, HasSubstr("reconcile did not create"));
  EXPECT_THAT(svg, HasSubstr("orphans: owned"));
}

// This test verifies that orphans alone do not fail the graph (leaving them
// is what prune: false asks for): lab-web-1 is owned on the fixture host and
// its group is scaled to 0.
TEST(GraphCli, OrphansAloneDoNotFail) {
  const fs::path dir = fs::temp_directory_path() / ("reconcile-graph-orphan-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "spec.yaml")
      << "cluster: lab\n"
         "hypervisors:\n"
         "  - {name: h2, uri: \"test://" << fs::absolute("tests/cli/hosts/fixtures/host2-web1.xml").string()
      << "\", network: lab, pool: rcl}\n"
         "images: {base: {disk: /rcl-pool/base.qcow2, seed: false}}\n"
         "groups: {web: {count: 0, image: base, memory: 256MiB}}\n";
  BinaryRun run = RunReconcile("graph " + (dir / "spec.yaml").string());
  fs::remove_all(dir);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("o0 [label=\"lab-web-1\""));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("cluster_problems")));
}

TEST(GraphCli, MissingSpecIsAnError) {
  BinaryRun run = RunReconcile("graph /nonexistent/spec.yaml --connect test:///default");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("/nonexistent/spec.yaml"));
  EXPECT_EQ(run.out, "");
}

}  // namespace
}  // namespace reconcile::testing
