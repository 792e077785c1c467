// This test verifies what the status page reads: /status.json is status
// --json's document of the last pass (a failed pass keeps the last one), the
// history lists passes newest first with their actions and outcomes, bounded,
// and drift is what succeeded after the cluster first converged.
#include "cli/metrics/status_board.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace reconcile::cli {
namespace {

using nlohmann::json;

class StatusBoardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_.cluster = "lab";
    model::Node node;
    node.name = "lab-web-1";
    node.group = "web";
    node.roles = {"web"};
    nodes_ = {node};
  }

  // A pass that ran one configure of lab-web-1 with `outcome`.
  PassResult Configured(Outcome outcome, absl::Status status = absl::OkStatus()) {
    PassResult result;
    result.plan.actions = {{.id = 0, .kind = model::ActionKind::kConfigure, .node = "lab-web-1",
                            .role = "web", .reason = "a check fails"}};
    result.execution.results = {{.action_id = 0, .outcome = outcome, .status = status}};
    return result;
  }

  model::Spec spec_;
  std::vector<model::Node> nodes_;
  StatusBoard board_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST_F(StatusBoardTest, EmptyBeforeTheFirstPass) {
  EXPECT_EQ(board_.StatusJson(), "{}\n");
  const json history = json::parse(board_.HistoryJson());
  EXPECT_TRUE(history["passes"].empty());
  EXPECT_TRUE(history["drift"].empty());
}

TEST_F(StatusBoardTest, StatusIsTheLastPassesDocumentAndDriftCountsAfterConvergence) {
  PassResult first = Configured(Outcome::kSucceeded);
  board_.PassDone({.pass = 1, .actions = 1, .succeeded = 1}, &first, spec_, nodes_, now_);
  const json status = json::parse(board_.StatusJson());
  EXPECT_EQ(status["format_version"], "1");
  EXPECT_EQ(status["cluster"], "lab");
  ASSERT_EQ(status["nodes"].size(), 1u);
  EXPECT_EQ(status["nodes"][0]["node"], "lab-web-1");
  EXPECT_TRUE(json::parse(board_.HistoryJson())["drift"].empty()) << "the first apply is not drift";

  PassResult converged;
  board_.PassDone({.pass = 2, .converged = true}, &converged, spec_, nodes_, now_ + absl::Seconds(5));
  PassResult corrected = Configured(Outcome::kSucceeded);
  board_.PassDone({.pass = 3, .actions = 1, .succeeded = 1}, &corrected, spec_, nodes_,
                  now_ + absl::Seconds(10));
  board_.PassDone({.pass = 4, .error = "cannot list domains"}, nullptr, spec_, nodes_,
                  now_ + absl::Seconds(15));
  EXPECT_EQ(json::parse(board_.StatusJson())["cluster"], "lab") << "a failed pass keeps the view";

  const json history = json::parse(board_.HistoryJson());
  ASSERT_EQ(history["passes"].size(), 4u);
  EXPECT_EQ(history["passes"][0]["pass"], 4);  // newest first
  EXPECT_EQ(history["passes"][0]["result"], "error");
  EXPECT_EQ(history["passes"][1]["result"], "changed");
  EXPECT_EQ(history["passes"][1]["actions"][0]["kind"], "configure");
  EXPECT_EQ(history["passes"][1]["actions"][0]["outcome"], "succeeded");
  EXPECT_EQ(history["passes"][2]["result"], "converged");
  ASSERT_EQ(history["drift"].size(), 1u);
  EXPECT_EQ(history["drift"][0]["node"], "lab-web-1");
  EXPECT_EQ(history["drift"][0]["pass"], 3);
  EXPECT_EQ(history["drift"][0]["corrected"], "2027-01-15T08:00:10Z");
}

TEST_F(StatusBoardTest, KeepsTheLastPassesAndTheirErrors) {
  for (int pass = 1; pass <= 30; ++pass) {
    PassResult failed = Configured(Outcome::kFailed, absl::UnavailableError("step exited 1: <b>"));
    board_.PassDone({.pass = pass, .actions = 1, .failed = 1}, &failed, spec_, nodes_, now_);
  }
  const json history = json::parse(board_.HistoryJson());
  ASSERT_EQ(history["passes"].size(), StatusBoard::kPassesKept);
  EXPECT_EQ(history["passes"][0]["pass"], 30);
  EXPECT_EQ(history["passes"][0]["result"], "failed");
  // Markup arrives as text; the page writes it with textContent.
  EXPECT_EQ(history["passes"][0]["actions"][0]["error"], "step exited 1: <b>");
}

// This test verifies that after a spec change the actions applying it are not
// drift, until the cluster has converged again.
TEST_F(StatusBoardTest, ASpecChangeIsNotDrift) {
  PassResult converged;
  board_.PassDone({.pass = 1, .converged = true}, &converged, spec_, nodes_, now_);
  board_.SpecReloaded();
  PassResult applied = Configured(Outcome::kSucceeded);
  board_.PassDone({.pass = 2, .actions = 1, .succeeded = 1}, &applied, spec_, nodes_, now_);
  EXPECT_TRUE(json::parse(board_.HistoryJson())["drift"].empty());
  board_.PassDone({.pass = 3, .converged = true}, &converged, spec_, nodes_, now_);
  PassResult corrected = Configured(Outcome::kSucceeded);
  board_.PassDone({.pass = 4, .actions = 1, .succeeded = 1}, &corrected, spec_, nodes_, now_);
  EXPECT_EQ(json::parse(board_.HistoryJson())["drift"].size(), 1u);
}

}  // namespace
}  // namespace reconcile::cli
