// This test verifies that the human plan shows one aligned line per action with
// its symbol, target and reason, then orphans, deferred changes, errors and a
// summary; that colour appears only when asked for; and that text from outside
// cannot reach the terminal as control sequences.
#include "cli/render/plan_text.h"

#include <chrono>
#include <regex>
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
using reconcile::testing::ExpectMatchesGolden;
using reconcile::testing::MakeAction;
using reconcile::testing::MixedPlan;
using reconcile::testing::TroubledPlan;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(PlanTextTest, EmptyPlanSaysNoChanges) {
  const std::string text = RenderPlanText(model::Plan{}, /*color=*/false);
  EXPECT_EQ(text, "No changes. The cluster matches the spec.\n");
  ExpectMatchesGolden(text, "tests/cli/render/golden/empty.txt");
}

TEST(PlanTextTest, MixedPlanMatchesGolden) {
  ExpectMatchesGolden(RenderPlanText(MixedPlan(), false), "tests/cli/render/golden/mixed.txt");
}

TEST(PlanTextTest, TroubledPlanMatchesGolden) {
  ExpectMatchesGolden(RenderPlanText(TroubledPlan(), false),
                      "tests/cli/render/golden/troubled.txt");
}

TEST(PlanTextTest, ColourMatchesGolden) {
  model::Plan plan = MixedPlan();
  model::Plan troubled = TroubledPlan();
  plan.orphans = troubled.orphans;
  plan.problems = troubled.problems;
  plan.deferred = troubled.deferred;
  ExpectMatchesGolden(RenderPlanText(plan, /*color=*/true), "tests/cli/render/golden/color.txt");
}

TEST(PlanTextTest, EachActionIsOneLineWithSymbolTargetAndReason) {
  const std::vector<std::string> lines = Lines(RenderPlanText(MixedPlan(), false));
  ASSERT_GE(lines.size(), 9u);
  EXPECT_THAT(lines[0], ::testing::MatchesRegex(R"(  \+ lab-worker-3 +create: not found)"));
  EXPECT_THAT(lines[2], ::testing::MatchesRegex(
                            R"(  ~ lab-cp-1 +update \(restart\): cpus 2 -> 4, .*)"));
  EXPECT_THAT(lines[4], ::testing::MatchesRegex(R"(-/\+ lab-worker-1 +replace: image changed)"));
  EXPECT_THAT(lines[5], ::testing::MatchesRegex(
                            R"(  ~ lab-cp-1 \[control\] +configure: role changed since it was applied)"));
  EXPECT_THAT(lines[8], ::testing::MatchesRegex(R"(  - lab-worker-9 +delete: no longer .*)"));
}

TEST(PlanTextTest, KindsStartInOneColumn) {
  model::Plan plan = TroubledPlan();
  const std::vector<std::string> lines = Lines(RenderPlanText(plan, false));
  // Actions, orphan and deferred rows share the table.
  const std::vector<std::string> labels = {"replace:", "configure:", "orphan (prune is off):",
                                           "deferred:"};
  std::vector<size_t> columns;
  for (size_t i = 0; i < labels.size(); ++i) {
    ASSERT_LT(i, lines.size());
    ASSERT_THAT(lines[i], HasSubstr(labels[i]));
    columns.push_back(lines[i].find(labels[i]));
  }
  for (size_t column : columns) EXPECT_EQ(column, columns[0]) << RenderPlanText(plan, false);
  // The widest target, "lab-worker-1 [worker-join]", is followed by two spaces.
  EXPECT_EQ(columns[0], 4 + std::string("lab-worker-1 [worker-join]").size() + 2);
}

TEST(PlanTextTest, OneLongTargetDoesNotPushEveryLineRight) {
  model::Plan plan;
  const std::string long_name = "lab-" + std::string(60, 'x');
  plan.actions = {MakeAction(0, ActionKind::kCreate, "lab-a", "", "not found"),
                  MakeAction(1, ActionKind::kCreate, long_name, "", "not found")};
  const std::vector<std::string> lines = Lines(RenderPlanText(plan, false));
  EXPECT_LE(lines[0].find("create:"), 4u + 40 + 2);
  EXPECT_EQ(lines[1], "  + " + long_name + "  create: not found");
}

TEST(PlanTextTest, EmptyReasonLeavesNoDanglingColon) {
  model::Plan plan;
  plan.actions = {MakeAction(0, ActionKind::kStart, "lab-a", "", "")};
  EXPECT_EQ(Lines(RenderPlanText(plan, false))[0], "  ~ lab-a  start");
}

TEST(PlanTextTest, ProblemsAreErrorsAfterTheTable) {
  const std::string text = RenderPlanText(TroubledPlan(), false);
  EXPECT_THAT(text, HasSubstr("\nError: lab-db-1: a domain named 'lab-db-1' exists"));
  EXPECT_LT(text.find("deferred:"), text.find("Error:"));
  EXPECT_LT(text.find("Error:"), text.find("Plan:"));
}

TEST(PlanTextTest, ProblemWithoutNodeHasNoEmptyPrefix) {
  model::Plan plan;
  plan.problems = {{"", "two groups expand to the same node name"}};
  EXPECT_THAT(RenderPlanText(plan, false),
              HasSubstr("Error: two groups expand to the same node name\n"));
}

TEST(PlanTextTest, SummaryCountsEveryKind) {
  EXPECT_EQ(PlanSummaryLine(MixedPlan()),
            "Plan: 1 to create, 1 to start, 2 to update, 3 to configure, 1 to replace, "
            "1 to delete.");
  EXPECT_EQ(PlanSummaryLine(TroubledPlan()),
            "Plan: 0 to create, 0 to start, 0 to update, 1 to configure, 1 to replace, "
            "0 to delete; 1 deferred, 2 errors, 1 orphan left untouched (prune is off).");
}

TEST(PlanTextTest, OrphansAloneAreNoChangeButAreNamed) {
  model::Plan plan;
  plan.orphans = {"lab-worker-4", "lab-worker-5"};
  const std::string text = RenderPlanText(plan, false);
  EXPECT_THAT(text, HasSubstr("lab-worker-4  orphan (prune is off): "));
  EXPECT_THAT(text, HasSubstr("No changes. The cluster matches the spec. 2 orphans left "
                              "untouched (prune is off).\n"));
}

TEST(PlanTextTest, DeferredAloneIsNotNoChanges) {
  model::Plan plan;
  plan.deferred = {{"lab-worker-2", "restart waits"}};
  EXPECT_THAT(PlanSummaryLine(plan), HasSubstr("; 1 deferred."));
}

TEST(PlanTextTest, NoColourMeansNoEscapes) {
  model::Plan plan = TroubledPlan();
  plan.actions = MixedPlan().actions;
  EXPECT_THAT(RenderPlanText(plan, false), Not(HasSubstr("\x1b")));
}

TEST(PlanTextTest, ColourFollowsTheKind) {
  const std::string text = RenderPlanText(MixedPlan(), true);
  EXPECT_THAT(text, HasSubstr("\x1b[32m+\x1b[0m lab-worker-3"));
  EXPECT_THAT(text, HasSubstr("\x1b[33m~\x1b[0m lab-worker-2"));
  EXPECT_THAT(text, HasSubstr("\x1b[31m-/+\x1b[0m lab-worker-1"));
  EXPECT_THAT(text, HasSubstr("\x1b[31m-\x1b[0m lab-worker-9"));
  EXPECT_THAT(RenderPlanText(TroubledPlan(), true), HasSubstr("\x1b[1;31mError:\x1b[0m lab-db-1"));
}

TEST(PlanTextTest, ColourDoesNotBreakAlignment) {
  const std::vector<std::string> plain = Lines(RenderPlanText(MixedPlan(), false));
  std::vector<std::string> coloured = Lines(RenderPlanText(MixedPlan(), true));
  ASSERT_EQ(plain.size(), coloured.size());
  for (std::string& line : coloured) {
    // Strip SGR sequences: what remains must be the plain text.
    std::string stripped;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\x1b') {
        i = line.find('m', i);
        continue;
      }
      stripped += line[i];
    }
    line = stripped;
  }
  EXPECT_EQ(coloured, plain);
}

TEST(PlanTextTest, ReasonsCannotInjectTerminalControl) {
  model::Plan plan;
  plan.actions = {MakeAction(0, ActionKind::kConfigure, "lab-a", "web",
                             "node unreachable: banner\n\x1b[2J\x1b]0;owned\x07 gone")};
  plan.problems = {{"lab-b", "line one\r\nline two \xc2\x9b" "31m"}};
  const std::string text = RenderPlanText(plan, false);
  EXPECT_THAT(text, Not(HasSubstr("\x1b")));
  EXPECT_THAT(text, Not(HasSubstr("\x07")));
  EXPECT_THAT(text, Not(HasSubstr("\xc2\x9b")));
  EXPECT_THAT(text, HasSubstr("configure: node unreachable: banner \\x1b[2J\\x1b]0;owned\\x07 gone\n"));
  EXPECT_THAT(text, HasSubstr("Error: lab-b: line one  line two \\u009b31m\n"));
}

TEST(PlanTextTest, AThousandNodesStayOneLineEachAndAligned) {
  model::Plan plan;
  for (int i = 0; i < 1000; ++i) {
    plan.actions.push_back(
        MakeAction(2 * i, ActionKind::kCreate, "lab-worker-" + std::to_string(i + 1), "", "not found"));
    plan.actions.push_back(MakeAction(2 * i + 1, ActionKind::kConfigure,
                                      "lab-worker-" + std::to_string(i + 1), "worker-join",
                                      "new node", {2 * i}));
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string text = RenderPlanText(plan, false);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const std::vector<std::string> lines = Lines(text);
  ASSERT_EQ(lines.size(), 2000u + 2);
  const size_t column = lines[0].find("create:");
  for (size_t i = 0; i < 2000; ++i) {
    const std::string label = i % 2 == 0 ? "create:" : "configure:";
    ASSERT_EQ(lines[i].find(label), column) << "line " << i << ": " << lines[i];
  }
  EXPECT_EQ(lines.back(), "Plan: 1000 to create, 0 to start, 0 to update, 1000 to configure, "
                          "0 to replace, 0 to delete.");
  std::cout << "rendered 2000 actions in "
            << std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count() << " us\n";
}

// Blank lines only separate sections (the table, the errors, the summary):
// never first or last, never two in a row, never inside a section, whatever
// the plan holds, newlines in messages included.
void ExpectOnlySeparatingBlankLines(const std::string& painted) {
  SCOPED_TRACE(painted);
  const std::string text = std::regex_replace(painted, std::regex("\x1b\\[[0-9;]*m"), "");
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text.front(), '\n');
  EXPECT_EQ(text.find("\n\n\n"), std::string::npos);
  EXPECT_NE(text.substr(text.size() - 2), "\n\n");
  // What follows a blank line starts a section: errors or the summary.
  for (size_t at = text.find("\n\n"); at != std::string::npos; at = text.find("\n\n", at + 1)) {
    const std::string next = text.substr(at + 2, 6);
    EXPECT_TRUE(next.rfind("Error:", 0) == 0 || next.rfind("Plan: ", 0) == 0 ||
                next.rfind("No cha", 0) == 0)
        << "a blank line before '" << next << "'";
  }
}

TEST(PlanTextTest, NoStrayBlankLines) {
  model::Plan problems_only;
  problems_only.problems = {{"lab-a", "cannot be created:\n\npool missing\n"}};
  model::Plan orphans_only;
  orphans_only.orphans = {"lab-worker-4"};
  model::Plan deferred_only;
  deferred_only.deferred = {{"lab-worker-2", "restart waits\n"}};
  model::Plan reason_with_newlines = MixedPlan();
  reason_with_newlines.actions[0].reason = "line one\n\nline two\n";
  for (const model::Plan& plan : {model::Plan{}, MixedPlan(), TroubledPlan(), problems_only,
                                  orphans_only, deferred_only, reason_with_newlines}) {
    for (bool color : {false, true}) ExpectOnlySeparatingBlankLines(RenderPlanText(plan, color));
  }
}

}  // namespace
}  // namespace reconcile::render
