// This test verifies that `status --json` is the documented, versioned
// document of docs/status-json.md: every node state has its stable
// identifier, objects carry exactly the documented keys in order, `converged`
// means what the exit code means, the documented example is what the
// renderers print, and any bytes in a message survive.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/render/status_text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/nodes.h"

namespace reconcile::render {
namespace {

using model::ActionKind;
using model::DomainState;
using nlohmann::json;
using nlohmann::ordered_json;
using ::testing::ElementsAre;

std::vector<std::string> Keys(const ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

model::ObservedDomain Owned(const std::string& name, DomainState state) {
  return {.name = name, .managed = true, .cluster = "lab", .state = state};
}

// The cluster of docs/status-json.md: lab-web-1 converged; lab-web-2 running
// with its role to apply; lab-web-3 missing; lab-db-1 shut off; lab-db-2's
// name held by a domain reconcile did not create; lab-web-4 an orphan.
struct Documented {
  std::vector<model::Node> nodes = {
      testing::TestNode("web", 1, {"web"}), testing::TestNode("web", 2, {"web"}),
      testing::TestNode("web", 3, {"web"}), testing::TestNode("db", 1, {"db"}),
      testing::TestNode("db", 2, {"db"})};
  model::ObservedState observed;
  model::Plan plan;
  Documented() {
    observed.domains = {Owned("lab-web-1", DomainState::kRunning),
                        Owned("lab-web-2", DomainState::kRunning),
                        Owned("lab-db-1", DomainState::kShutOff),
                        {.name = "lab-db-2", .state = DomainState::kRunning},
                        Owned("lab-web-4", DomainState::kRunning)};
    observed.probes["lab-web-1"] = {.address = "10.77.0.101", .applied_roles = {{"web", "web-h1"}}};
    observed.probes["lab-web-2"] = {.address = "10.77.0.102"};
    plan.actions = {
        {.id = 0, .kind = ActionKind::kCreate, .node = "lab-web-3", .reason = "not found"},
        {.id = 1, .kind = ActionKind::kStart, .node = "lab-db-1", .reason = "domain is shut off"},
        {.id = 2, .kind = ActionKind::kConfigure, .node = "lab-web-2", .role = "web",
         .reason = "role never applied"},
        {.id = 3, .kind = ActionKind::kConfigure, .node = "lab-web-3", .role = "web",
         .reason = "new node", .depends_on = {0}}};
    plan.orphans = {"lab-web-4"};
    plan.problems = {{.node = "lab-db-2",
                      .message = "a domain named 'lab-db-2' exists that reconcile did not create; "
                                 "it is never touched: rename or remove it, or rename the group"}};
  }
  std::vector<NodeStatus> Rows() const { return BuildStatus("lab", nodes, observed, plan, {"default"}); }
};

TEST(StatusJsonTest, EveryStateHasAStableIdentifier) {
  std::vector<model::Node> nodes;
  for (int i = 1; i <= 10; ++i) nodes.push_back(testing::TestNode("web", i, {}));
  nodes[8].existing = true;
  model::ObservedState observed;
  observed.domains = {Owned("lab-web-1", DomainState::kRunning),
                      Owned("lab-web-2", DomainState::kRunning),
                      Owned("lab-web-3", DomainState::kPaused),
                      Owned("lab-web-4", DomainState::kShutOff),
                      Owned("lab-web-5", DomainState::kCrashed),
                      Owned("lab-web-6", DomainState::kOther),
                      {.name = "lab-web-7", .state = DomainState::kRunning},
                      {.name = "lab-web-8", .managed = true, .cluster = "other",
                       .state = DomainState::kRunning}};
  observed.probes["lab-web-1"] = {};  // answered
  observed.probes["lab-web-2"] = {.status = absl::UnavailableError("no route to host")};
  std::vector<std::string> states;
  for (const NodeStatus& row : BuildStatus("lab", nodes, observed, {}, {"default"})) {
    states.push_back(row.state);
  }
  EXPECT_THAT(states, ElementsAre("running", "unreachable", "paused", "shut_off", "crashed", "other",
                                  "unmanaged", "unmanaged", "existing", "missing"));
  // With several hosts and one of them dark, a node not seen is unknown.
  observed.unreachable_hosts["h2"] = "connection refused";
  EXPECT_EQ(BuildStatus("lab", nodes, observed, {}, {"h1", "h2"})[9].state, "unknown");
}

TEST(StatusJsonTest, TheTableShowsStatesAsWords) {
  EXPECT_EQ(StateText("shut_off"), "shut off");
  EXPECT_EQ(StateText("unmanaged"), "unmanaged!");
  EXPECT_EQ(StateText("running"), "running");
  const Documented cluster;
  const std::string text = RenderStatusText(cluster.Rows(), cluster.plan, cluster.observed, {"default"});
  EXPECT_THAT(text, ::testing::HasSubstr("lab-db-1   db     shut off "));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("shut_off")));
  // One node is "1 of 1 node converged", not "1 of 1 nodes".
  const std::vector<model::Node> one = {testing::TestNode("web", 1, {})};
  model::ObservedState answered;
  answered.domains = {Owned("lab-web-1", DomainState::kRunning)};
  answered.probes["lab-web-1"] = {};
  EXPECT_THAT(RenderStatusText(BuildStatus("lab", one, answered, {}, {"default"}), {}, answered),
              ::testing::EndsWith("\n1 of 1 node converged.\n"));
}

TEST(StatusJsonTest, HasExactlyTheDocumentedKeysInOrder) {
  const Documented cluster;
  const ordered_json doc = StatusToJson("lab", cluster.Rows(), cluster.plan, cluster.observed, {"default"});
  EXPECT_THAT(Keys(doc), ElementsAre("format_version", "cluster", "converged", "nodes", "orphans",
                                     "orphan_networks", "problems", "deferred"));
  EXPECT_EQ(doc["format_version"], "1");
  ASSERT_EQ(doc["nodes"].size(), 5u);
  for (const ordered_json& node : doc["nodes"]) {
    EXPECT_THAT(Keys(node), ElementsAre("node", "group", "state", "address", "converged",
                                        "roles_applied", "roles_pending", "drift"));
  }
  EXPECT_THAT(Keys(doc["problems"][0]), ElementsAre("node", "message"));

  // Several hosts: each node says where it is, and the hosts are listed.
  model::ObservedState observed = cluster.observed;
  observed.unreachable_hosts["h2"] = "connection refused";
  const ordered_json hosts = StatusToJson(
      "lab", BuildStatus("lab", cluster.nodes, observed, cluster.plan, {"h1", "h2"}), cluster.plan,
      observed, {"h1", "h2"});
  EXPECT_THAT(Keys(hosts), ElementsAre("format_version", "cluster", "converged", "nodes", "orphans",
                                       "orphan_networks", "problems", "deferred", "hosts"));
  EXPECT_THAT(Keys(hosts["nodes"][0]), ElementsAre("node", "group", "host", "state", "address",
                                                   "converged", "roles_applied", "roles_pending",
                                                   "drift"));
  EXPECT_THAT(Keys(hosts["hosts"][0]), ElementsAre("name", "reachable", "nodes"));
  EXPECT_THAT(Keys(hosts["hosts"][1]), ElementsAre("name", "reachable", "nodes", "error"));
}

// `converged` at the top is what exit code 0 means; per node it is what the
// text's "N of M nodes converged" counts.
TEST(StatusJsonTest, ConvergedFollowsThePlanAndTheRows) {
  const Documented cluster;
  const ordered_json doc = StatusToJson("lab", cluster.Rows(), cluster.plan, cluster.observed, {"default"});
  EXPECT_FALSE(doc["converged"].get<bool>());
  std::vector<bool> per_node;
  for (const ordered_json& node : doc["nodes"]) per_node.push_back(node["converged"].get<bool>());
  EXPECT_THAT(per_node, ElementsAre(true, false, false, false, false));

  model::Plan orphans_only;
  orphans_only.orphans = {"lab-web-4"};
  EXPECT_TRUE(StatusToJson("lab", {}, orphans_only)["converged"].get<bool>());
  model::Plan deferred_only;
  deferred_only.deferred = {{.node = "lab-web-1", .message = "restart waits"}};
  const ordered_json held = StatusToJson("lab", {}, deferred_only);
  EXPECT_FALSE(held["converged"].get<bool>());
  EXPECT_EQ(held["deferred"][0]["message"], "restart waits");
  // Empty lists are present as [], never dropped or null.
  const ordered_json empty = StatusToJson("lab", {}, {});
  for (const char* list : {"nodes", "orphans", "problems", "deferred"}) {
    EXPECT_TRUE(empty[list].is_array()) << list;
    EXPECT_TRUE(empty[list].empty()) << list;
  }
}

TEST(StatusJsonTest, InvalidUtf8IsReplacedNotThrown) {
  model::Plan plan;
  plan.problems = {{.node = "lab-a", .message = "node unreachable: \xff\xfe garbage"}};
  std::string text;
  ASSERT_NO_THROW(text = RenderStatusJson("lab", {}, plan));
  EXPECT_EQ(json::parse(text)["problems"][0]["message"],
            "node unreachable: \xef\xbf\xbd\xef\xbf\xbd garbage");
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text[text.size() - 2], '\n');
}

// The fenced block after the first "```<lang>" line of `markdown`.
std::string FencedBlock(const std::string& markdown, const std::string& lang) {
  const std::string open = "```" + lang + "\n";
  const size_t start = markdown.find(open);
  if (start == std::string::npos) return "";
  const size_t body = start + open.size();
  const size_t end = markdown.find("```", body);
  return end == std::string::npos ? "" : markdown.substr(body, end - body);
}

TEST(StatusJsonTest, DocumentedExampleIsWhatTheRenderersPrint) {
  std::ifstream in("docs/status-json.md");
  ASSERT_TRUE(in.good()) << "docs/status-json.md not found (tests run from the repository root)";
  std::stringstream markdown;
  markdown << in.rdbuf();
  const Documented cluster;
  EXPECT_EQ(RenderStatusJson("lab", cluster.Rows(), cluster.plan, cluster.observed, {"default"}),
            FencedBlock(markdown.str(), "json"));
  EXPECT_EQ(RenderStatusText(cluster.Rows(), cluster.plan, cluster.observed, {"default"}),
            FencedBlock(markdown.str(), "text"));
}

// The status text has no blank line at all, messages with newlines included.
TEST(StatusTextTest, NoBlankLines) {
  Documented cluster;
  cluster.plan.problems[0].message = "first line\n\nsecond line\n";
  cluster.plan.deferred = {{.node = "lab-web-2", .message = "restart waits\n"}};
  for (const std::vector<std::string>& hosts :
       {std::vector<std::string>{"default"}, std::vector<std::string>{"h1", "h2"}}) {
    const std::string text = RenderStatusText(
        BuildStatus("lab", cluster.nodes, cluster.observed, cluster.plan, hosts), cluster.plan,
        cluster.observed, hosts);
    EXPECT_EQ(text.find("\n\n"), std::string::npos) << text;
    EXPECT_NE(text.front(), '\n');
    EXPECT_EQ(text.back(), '\n');
  }
  EXPECT_EQ(RenderStatusText({}, {}).find("\n\n"), std::string::npos);
}

}  // namespace
}  // namespace reconcile::render
