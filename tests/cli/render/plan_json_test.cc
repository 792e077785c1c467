// This test verifies that the JSON plan is the documented, stable document:
// exactly the documented keys in their order, values that parse back into the
// same plan, and a render that survives any bytes in a reason.
#include "cli/render/plan_json.h"
#include "cli/render/plan_text.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/golden.h"
#include "tests/cli/render/plan_fixtures.h"

namespace reconcile::render {
namespace {

using model::ActionKind;
using nlohmann::json;
using nlohmann::ordered_json;
using reconcile::testing::ExpectMatchesGolden;
using reconcile::testing::MakeAction;
using reconcile::testing::MixedPlan;
using reconcile::testing::TroubledPlan;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

std::vector<std::string> Keys(const ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

model::Plan EverythingPlan() {
  model::Plan plan = MixedPlan();
  model::Plan troubled = TroubledPlan();
  plan.orphans = troubled.orphans;
  plan.problems = troubled.problems;
  plan.deferred = troubled.deferred;
  model::Action network = MakeAction(9, ActionKind::kCreateNetwork, "", "", "NAT network 10.78.0.0/24 the cluster owns");
  network.network = "storage";
  plan.actions.push_back(network);
  network = MakeAction(10, ActionKind::kDeleteNetwork, "", "", "owned network no longer in the spec", {8});
  network.network = "old-net";
  plan.actions.push_back(network);
  plan.orphan_networks = {"lab-net"};
  return plan;
}

TEST(PlanJsonTest, MatchesGolden) {
  ExpectMatchesGolden(RenderPlanJson(EverythingPlan(), "lab"), "tests/cli/render/golden/plan.json");
  ExpectMatchesGolden(RenderPlanJson(model::Plan{}, "lab"), "tests/cli/render/golden/empty.json");
}

TEST(PlanJsonTest, HasExactlyTheDocumentedKeysInOrder) {
  const ordered_json doc = ordered_json::parse(RenderPlanJson(EverythingPlan(), "lab"));
  EXPECT_THAT(Keys(doc), ElementsAre("format_version", "cluster", "converged", "actions", "orphans",
                                     "orphan_networks", "problems", "deferred", "summary"));
  ASSERT_EQ(doc["actions"].size(), 11u);
  for (const ordered_json& action : doc["actions"]) {
    if (action["kind"] == "create-network" || action["kind"] == "delete-network") {
      EXPECT_THAT(Keys(action), ElementsAre("id", "kind", "network", "reason", "depends_on", "restart"));
    } else if (action["kind"] == "configure") {
      EXPECT_THAT(Keys(action), ElementsAre("id", "kind", "node", "role", "reason", "depends_on",
                                            "restart"));
    } else {
      EXPECT_THAT(Keys(action), ElementsAre("id", "kind", "node", "reason", "depends_on", "restart"));
    }
  }
  for (const char* list : {"problems", "deferred"}) {
    ASSERT_FALSE(doc[list].empty()) << list;
    for (const ordered_json& item : doc[list]) EXPECT_THAT(Keys(item), ElementsAre("node", "message"));
  }
  for (const ordered_json& orphan : doc["orphans"]) EXPECT_TRUE(orphan.is_string());
  EXPECT_THAT(doc["orphan_networks"], ElementsAre("lab-net"));
  EXPECT_THAT(Keys(doc["summary"]), ElementsAre("create", "start", "update", "configure", "replace",
                                                "delete", "create-network", "delete-network"));
}

TEST(PlanJsonTest, TypesAreStable) {
  const ordered_json doc = PlanToJson(EverythingPlan(), "lab");
  EXPECT_TRUE(doc["format_version"].is_string());
  EXPECT_EQ(doc["format_version"], "1");
  EXPECT_TRUE(doc["converged"].is_boolean());
  for (const ordered_json& action : doc["actions"]) {
    EXPECT_TRUE(action["id"].is_number_integer());
    EXPECT_TRUE(action["depends_on"].is_array());
    EXPECT_TRUE(action["restart"].is_boolean());
  }
  // Empty lists are present as [], never dropped or null.
  const ordered_json empty = PlanToJson(model::Plan{}, "lab");
  for (const char* list : {"actions", "orphans", "orphan_networks", "problems", "deferred"}) {
    EXPECT_TRUE(empty[list].is_array()) << list;
    EXPECT_TRUE(empty[list].empty()) << list;
  }
}

// Reads the document back into a Plan, field by field, the way a consumer would.
model::Plan PlanFromJson(const json& doc) {
  model::Plan plan;
  for (const json& a : doc.at("actions")) {
    model::Action action;
    action.id = a.at("id").get<int>();
    const std::string kind = a.at("kind").get<std::string>();
    for (ActionKind k : {ActionKind::kCreate, ActionKind::kStart, ActionKind::kUpdate,
                         ActionKind::kReplace, ActionKind::kConfigure, ActionKind::kDelete,
                         ActionKind::kCreateNetwork, ActionKind::kDeleteNetwork}) {
      if (model::ActionKindName(k) == kind) action.kind = k;
    }
    EXPECT_EQ(model::ActionKindName(action.kind), kind);
    action.node = a.value("node", "");
    action.network = a.value("network", "");
    action.role = a.value("role", "");
    action.reason = a.at("reason").get<std::string>();
    action.depends_on = a.at("depends_on").get<std::vector<int>>();
    action.restart = a.at("restart").get<bool>();
    plan.actions.push_back(action);
  }
  plan.orphans = doc.at("orphans").get<std::vector<std::string>>();
  plan.orphan_networks = doc.at("orphan_networks").get<std::vector<std::string>>();
  for (const json& p : doc.at("problems")) plan.problems.push_back({p.at("node"), p.at("message")});
  for (const json& d : doc.at("deferred")) plan.deferred.push_back({d.at("node"), d.at("message")});
  return plan;
}

void ExpectSamePlan(const model::Plan& got, const model::Plan& want) {
  ASSERT_EQ(got.actions.size(), want.actions.size());
  for (size_t i = 0; i < want.actions.size(); ++i) {
    SCOPED_TRACE("action " + std::to_string(i));
    EXPECT_EQ(got.actions[i].id, want.actions[i].id);
    EXPECT_EQ(got.actions[i].kind, want.actions[i].kind);
    EXPECT_EQ(got.actions[i].node, want.actions[i].node);
    EXPECT_EQ(got.actions[i].network, want.actions[i].network);
    EXPECT_EQ(got.actions[i].role, want.actions[i].role);
    EXPECT_EQ(got.actions[i].reason, want.actions[i].reason);
    EXPECT_EQ(got.actions[i].depends_on, want.actions[i].depends_on);
    EXPECT_EQ(got.actions[i].restart, want.actions[i].restart);
  }
  EXPECT_EQ(got.orphans, want.orphans);
  EXPECT_EQ(got.orphan_networks, want.orphan_networks);
  ASSERT_EQ(got.problems.size(), want.problems.size());
  for (size_t i = 0; i < want.problems.size(); ++i) {
    EXPECT_EQ(got.problems[i].node, want.problems[i].node);
    EXPECT_EQ(got.problems[i].message, want.problems[i].message);
  }
  ASSERT_EQ(got.deferred.size(), want.deferred.size());
  for (size_t i = 0; i < want.deferred.size(); ++i) {
    EXPECT_EQ(got.deferred[i].node, want.deferred[i].node);
    EXPECT_EQ(got.deferred[i].message, want.deferred[i].message);
  }
}

TEST(PlanJsonTest, RoundTripsThroughText) {
  model::Plan plan = EverythingPlan();
  // Characters JSON must escape survive too.
  plan.actions[0].reason = "quote \" backslash \\ newline \n tab \t esc \x1b caf\xc3\xa9";
  const json doc = json::parse(RenderPlanJson(plan, "lab"));
  EXPECT_EQ(doc.at("cluster"), "lab");
  ExpectSamePlan(PlanFromJson(doc), plan);
}

TEST(PlanJsonTest, SummaryAndConvergedFollowThePlan) {
  const ordered_json doc = PlanToJson(MixedPlan(), "lab");
  EXPECT_EQ(doc["summary"], ordered_json::parse(R"({"create": 1, "start": 1, "update": 2,
      "configure": 3, "replace": 1, "delete": 1, "create-network": 0, "delete-network": 0})"));
  EXPECT_FALSE(doc["converged"].get<bool>());
  EXPECT_TRUE(PlanToJson(model::Plan{}, "lab")["converged"].get<bool>());

  // Held-back changes mean the cluster has not converged, even with no action.
  model::Plan deferred_only;
  deferred_only.deferred = {{"lab-worker-2", "restart waits"}};
  EXPECT_FALSE(PlanToJson(deferred_only, "lab")["converged"].get<bool>());
  // Orphans are left alone on purpose: they do not stop convergence.
  model::Plan orphans_only;
  orphans_only.orphans = {"lab-worker-4"};
  EXPECT_TRUE(PlanToJson(orphans_only, "lab")["converged"].get<bool>());
}

TEST(PlanJsonTest, RoleAppearsOnlyOnConfigure) {
  model::Plan plan;
  // A role on a non-configure action is not part of the document.
  plan.actions = {MakeAction(0, ActionKind::kCreate, "lab-a", "stray-role", "not found"),
                  MakeAction(1, ActionKind::kConfigure, "lab-a", "web", "new node", {0})};
  const ordered_json doc = PlanToJson(plan, "lab");
  EXPECT_FALSE(doc["actions"][0].contains("role"));
  EXPECT_EQ(doc["actions"][1]["role"], "web");
  EXPECT_EQ(doc["actions"][1]["depends_on"], ordered_json::array({0}));
}

TEST(PlanJsonTest, InvalidUtf8IsReplacedNotThrown) {
  model::Plan plan;
  plan.problems = {{"lab-a", "node unreachable: \xff\xfe garbage"}};
  std::string text;
  ASSERT_NO_THROW(text = RenderPlanJson(plan, "lab"));
  const json doc = json::parse(text);
  EXPECT_EQ(doc["problems"][0]["message"], "node unreachable: \xef\xbf\xbd\xef\xbf\xbd garbage");
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

TEST(PlanJsonTest, DocumentedExampleIsWhatTheRenderersPrint) {
  std::ifstream in("docs/plan-json.md");
  ASSERT_TRUE(in.good()) << "docs/plan-json.md not found (tests run from the repository root)";
  std::stringstream markdown;
  markdown << in.rdbuf();
  const std::string example = FencedBlock(markdown.str(), "json");
  ASSERT_FALSE(example.empty()) << "no ```json block in docs/plan-json.md";
  const json doc = json::parse(example);
  const model::Plan plan = PlanFromJson(doc);
  EXPECT_EQ(RenderPlanJson(plan, doc.at("cluster").get<std::string>()), example);
  EXPECT_EQ(RenderPlanText(plan, /*color=*/false), FencedBlock(markdown.str(), "text"));
}

TEST(PlanJsonTest, TextEndsWithOneNewline) {
  const std::string text = RenderPlanJson(model::Plan{}, "lab");
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text[text.size() - 2], '\n');
}

}  // namespace
}  // namespace reconcile::render
