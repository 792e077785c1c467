// This test verifies the lines apply and watch print as actions finish and
// as apply ends: counts agree with their nouns ("1 pass", "2 passes") and
// every line stays one line, whatever a driver's message holds.
#include "cli/progress.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ReportLineTest, OnePassIsSingular) {
  ApplyOutcome outcome{.converged = true, .passes = 1};
  EXPECT_EQ(ReportLine("Apply", outcome, absl::Seconds(3)), "Apply complete: converged after 1 pass in 3.0s.");
  outcome.passes = 2;
  EXPECT_EQ(ReportLine("Apply", outcome, absl::Seconds(3)), "Apply complete: converged after 2 passes in 3.0s.");
}

TEST(ReportLineTest, AStopAndItsErrorStayOnOneLine) {
  ApplyOutcome outcome{.converged = false, .passes = 1,
                       .stopped_because = "the cluster could not be observed",
                       .error = absl::UnavailableError("I/O warning\nXML error:\x1b[31m bad\n")};
  const std::string line = ReportLine("Apply", outcome, absl::Seconds(1));
  EXPECT_THAT(line, HasSubstr("Apply stopped after 1 pass in 1.0s: the cluster could not be observed."));
  EXPECT_THAT(line, HasSubstr("Last error: I/O warning XML error:\\x1b[31m bad"));
  EXPECT_THAT(line, Not(HasSubstr("\n")));
}

TEST(ProgressLineTest, FailureMessageStaysOnOneLine) {
  model::Action action{.id = 0, .kind = model::ActionKind::kConfigure, .node = "lab-web-1",
                       .role = "web"};
  ActionResult result{.outcome = Outcome::kFailed, .status = absl::InternalError("exit 1:\nboom\n"),
                      .attempts = 2};
  const std::string line = ProgressLine(action, result, absl::Seconds(9.8));
  EXPECT_THAT(line, HasSubstr("[   9.8s] FAILED  ~   lab-web-1 [web]"));
  EXPECT_THAT(line, HasSubstr("configure: exit 1: boom  (2 attempts)"));
  EXPECT_THAT(line, Not(HasSubstr("\n")));
}

}  // namespace
}  // namespace reconcile::cli
