// This test verifies `reconcile status` for a spec with several hypervisor
// hosts: each row says which host its node is on (where the domain was seen,
// or where the plan creates it), nodes not seen while a host is unreachable
// are "unknown", the text ends with nodes per host, and the JSON lists hosts;
// a one-host spec's table has no HOST column.
#include "cli/render/status_text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/nodes.h"

namespace reconcile::render {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<model::Node> Nodes() {
  return {testing::TestNode("web", 1, {}), testing::TestNode("web", 2, {}),
          testing::TestNode("web", 3, {})};
}

model::ObservedDomain Domain(const std::string& name, const std::string& host) {
  return {.name = name, .managed = true, .cluster = "lab", .state = model::DomainState::kRunning,
          .host = host};
}

TEST(StatusHostsTest, RowsAndSummarySayWhichHost) {
  model::ObservedState observed;
  observed.domains = {Domain("lab-web-1", "h2")};
  model::Plan plan;
  plan.actions = {{.id = 0, .kind = model::ActionKind::kCreate, .node = "lab-web-2",
                   .reason = "not found", .host = "h1"},
                  {.id = 1, .kind = model::ActionKind::kCreate, .node = "lab-web-3",
                   .reason = "not found", .host = "h2"}};
  const std::vector<std::string> hosts = {"h1", "h2"};
  std::vector<NodeStatus> rows = BuildStatus("lab", Nodes(), observed, plan, hosts);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].host, "h2");
  EXPECT_EQ(rows[1].host, "h1");
  EXPECT_EQ(rows[2].host, "h2");
  const std::string text = RenderStatusText(rows, plan, observed, hosts);
  EXPECT_THAT(text, HasSubstr("NODE       GROUP  HOST  STATE"));
  EXPECT_THAT(text, HasSubstr("host h1: 1 node (lab-web-2)\n"));
  EXPECT_THAT(text, HasSubstr("host h2: 2 nodes (lab-web-1, lab-web-3)\n"));
  nlohmann::ordered_json json = StatusToJson("lab", rows, plan, observed, hosts);
  EXPECT_EQ(json["nodes"][0]["host"], "h2");
  EXPECT_EQ(json["hosts"][0]["name"], "h1");
  EXPECT_EQ(json["hosts"][1]["nodes"].size(), 2u);
}

TEST(StatusHostsTest, UnseenNodesAreUnknownWhileAHostIsUnreachable) {
  model::ObservedState observed;
  observed.domains = {Domain("lab-web-1", "h1")};
  observed.probes["lab-web-1"] = {.address = "10.0.0.1"};  // answered
  observed.unreachable_hosts["h2"] = "connection refused";
  model::Plan plan;
  plan.problems = {{.node = "", .message = "host h2 unreachable: 2 nodes unknown", .host = "h2"}};
  const std::vector<std::string> hosts = {"h1", "h2"};
  std::vector<NodeStatus> rows = BuildStatus("lab", Nodes(), observed, plan, hosts);
  EXPECT_EQ(rows[0].state, "running");
  EXPECT_EQ(rows[1].state, "unknown");
  EXPECT_EQ(rows[2].state, "unknown");
  const std::string text = RenderStatusText(rows, plan, observed, hosts);
  EXPECT_THAT(text, HasSubstr("problem: h2: host h2 unreachable: 2 nodes unknown\n"));
  EXPECT_THAT(text, HasSubstr("host h2: 0 nodes; unreachable, 2 unknown: connection refused\n"));
  nlohmann::ordered_json json = StatusToJson("lab", rows, plan, observed, hosts);
  EXPECT_EQ(json["hosts"][1]["reachable"], false);
  EXPECT_EQ(json["hosts"][1]["error"], "connection refused");
  EXPECT_EQ(json["problems"][0]["host"], "h2");
  // Unknown nodes are not counted as converged (before: "3 of 3 converged").
  EXPECT_THAT(text, HasSubstr("1 of 3 nodes converged, 2 unknown.\n"));
}

// This test verifies that a node whose replacement the rolling budget holds
// back says so in its row and counts as deferred, not converged.
TEST(StatusHostsTest, DeferredNodesSayWhyAndAreNotConverged) {
  model::ObservedState observed;
  observed.domains = {Domain("lab-web-1", "default"), Domain("lab-web-2", "default")};
  model::Plan plan;
  plan.actions = {{.id = 0, .kind = model::ActionKind::kCreate, .node = "lab-web-3",
                   .reason = "not found"}};
  plan.deferred = {{.node = "lab-web-2",
                    .message = "replacement waits: group 'web' allows 1 unavailable at a time "
                               "and 1 is (lab-web-3 missing)"}};
  std::vector<NodeStatus> rows = BuildStatus("lab", Nodes(), observed, plan, {"default"});
  const std::string text = RenderStatusText(rows, plan, observed, {"default"});
  EXPECT_THAT(text, HasSubstr("deferred: replacement waits: group 'web'"));
  EXPECT_THAT(text, HasSubstr("1 of 3 nodes converged, 1 deferred.\n"));
}

TEST(StatusHostsTest, OneHostSpecsKeepTheirTable) {
  model::ObservedState observed;
  observed.domains = {Domain("lab-web-1", "default")};
  observed.probes["lab-web-1"] = {};  // answered
  std::vector<NodeStatus> rows = BuildStatus("lab", Nodes(), observed, {}, {"default"});
  const std::string text = RenderStatusText(rows, {}, observed, {"default"});
  EXPECT_THAT(text, HasSubstr("NODE       GROUP  STATE    ADDRESS"));
  EXPECT_THAT(text, Not(HasSubstr("HOST")));
  EXPECT_THAT(text, Not(HasSubstr("host default")));
  EXPECT_EQ(StatusToJson("lab", rows, {}, observed, {"default"}).count("hosts"), 0u);
}

}  // namespace
}  // namespace reconcile::render
