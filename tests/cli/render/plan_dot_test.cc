// This test verifies that `reconcile graph` renders the plan's action DAG as
// Graphviz DOT exactly: one node per action labelled kind, role and machine,
// one edge per dependency in a stable order, and labels escaped.
#include "cli/render/plan_dot.h"

#include "gtest/gtest.h"
#include "tests/cli/render/plan_fixtures.h"

namespace reconcile::render {
namespace {

using model::ActionKind;
using testing::MakeAction;

TEST(PlanDotTest, RendersNodesAndDependencyEdgesInIdOrder) {
  model::Plan plan;
  plan.actions = {
      MakeAction(0, ActionKind::kCreate, "lab-cp-1", "", "not found"),
      MakeAction(1, ActionKind::kReplace, "lab-worker-1", "", "image changed"),
      MakeAction(2, ActionKind::kConfigure, "lab-cp-1", "control", "new node", {0}),
      MakeAction(3, ActionKind::kConfigure, "lab-worker-1", "worker", "new node", {2, 1, 2}),
  };
  plan.actions[1].host = "qemu+ssh://h2/system";
  EXPECT_EQ(RenderPlanDot(plan, "lab"),
            "digraph \"plan lab\" {\n"
            "  rankdir=LR;\n"
            "  node [shape=box, style=\"rounded,filled\", fontname=\"monospace\"];\n"
            "  a0 [label=\"create\\nlab-cp-1\", fillcolor=\"#d4f7d4\"];\n"
            "  a1 [label=\"replace\\nlab-worker-1\\non qemu+ssh://h2/system\", fillcolor=\"#f7dcc0\"];\n"
            "  a2 [label=\"configure control\\nlab-cp-1\", fillcolor=\"#ffffff\"];\n"
            "  a3 [label=\"configure worker\\nlab-worker-1\", fillcolor=\"#ffffff\"];\n"
            "  a0 -> a2;\n"
            "  a1 -> a3;\n"
            "  a2 -> a3;\n"
            "}\n");
}

TEST(PlanDotTest, AnEmptyPlanIsAnEmptyGraph) {
  EXPECT_EQ(RenderPlanDot(model::Plan{}, "lab"),
            "digraph \"plan lab\" {\n"
            "  rankdir=LR;\n"
            "  node [shape=box, style=\"rounded,filled\", fontname=\"monospace\"];\n"
            "}\n");
}

// This test verifies that what the plan does not act on is in the graph too:
// problems (by node, or by host when no node), deferred changes and orphans,
// each kind in a cluster of its own, long messages wrapped, none joined to
// the DAG by an edge.
TEST(PlanDotTest, ProblemsDeferredAndOrphansAreClustersBesideTheDag) {
  model::Plan plan;
  plan.actions = {MakeAction(0, ActionKind::kCreate, "lab-web-3", "", "not found")};
  plan.problems = {
      {.node = "lab-db-1",
       .message = "a domain named 'lab-db-1' exists that reconcile did not create; it is never touched"},
      {.node = "", .message = "unreachable\x1b[31m", .host = "h2"}};
  plan.deferred = {{.node = "lab-web-2", .message = "replacement waits"}};
  plan.orphans = {"lab-web-4"};
  EXPECT_EQ(RenderPlanDot(plan, "lab"),
            "digraph \"plan lab\" {\n"
            "  rankdir=LR;\n"
            "  node [shape=box, style=\"rounded,filled\", fontname=\"monospace\"];\n"
            "  a0 [label=\"create\\nlab-web-3\", fillcolor=\"#d4f7d4\"];\n"
            "  subgraph cluster_problems {\n"
            "    label=\"problems: not acted on; fix them (graph and plan exit 1)\"; fontname=\"monospace\"; "
            "style=\"dashed\"; color=\"#c62828\";\n"
            "    p0 [label=\"lab-db-1\\na domain named 'lab-db-1' exists that reconcile\\ndid not "
            "create; it is never touched\", fillcolor=\"#f7c6c6\", color=\"#c62828\"];\n"
            "    p1 [label=\"host h2\\nunreachable\\\\x1b[31m\", fillcolor=\"#f7c6c6\", color=\"#c62828\"];\n"
            "  }\n"
            "  subgraph cluster_deferred {\n"
            "    label=\"deferred: held back by max_unavailable; a later pass plans them\"; "
            "fontname=\"monospace\"; style=\"dashed\"; color=\"#8d6e00\";\n"
            "    d0 [label=\"lab-web-2\\nreplacement waits\", fillcolor=\"#f7f0c6\", color=\"#8d6e00\"];\n"
            "  }\n"
            "  subgraph cluster_orphans {\n"
            "    label=\"orphans: owned, no longer in the spec, left untouched (prune is off)\"; "
            "fontname=\"monospace\"; style=\"dashed\"; color=\"#616161\";\n"
            "    o0 [label=\"lab-web-4\", fillcolor=\"#eeeeee\", color=\"#616161\"];\n"
            "  }\n"
            "}\n");
}

TEST(PlanDotTest, EscapesQuotesBackslashesAndNewlines) {
  EXPECT_EQ(DotQuoted("a\"b\\c\nd\re"), "\"a\\\"b\\\\c\\nde\"");
  model::Plan plan;
  plan.actions = {MakeAction(0, ActionKind::kConfigure, "n", "r\"x\\N", "")};
  EXPECT_NE(RenderPlanDot(plan, "c\"l").find("digraph \"plan c\\\"l\""), std::string::npos);
  EXPECT_NE(RenderPlanDot(plan, "c").find("label=\"configure r\\\"x\\\\N\\nn\""), std::string::npos);
}

}  // namespace
}  // namespace reconcile::render
