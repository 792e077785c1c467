// This test verifies that the metrics server really serves /metrics and
// /healthz over HTTP on a loopback port, that health follows the watch loop,
// and that Stop() closes the port.
#include "cli/metrics/metrics_server.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<MetricsServer>> started =
        MetricsServer::Start({.host = "127.0.0.1", .port = 0}, metrics_, clock_);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    ASSERT_GT(server_->port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_connection_timeout(5);
    client_->set_read_timeout(5);
  }

  testing::SimulatedClock clock_;
  metrics::WatchMetrics metrics_;
  std::unique_ptr<MetricsServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(MetricsServerTest, ServesTheExpositionOfTheWatchMetrics) {
  metrics_.Started(clock_.Now(), absl::Minutes(5));
  metrics_.PassDone({.pass = 1, .converged = true, .elapsed = absl::Milliseconds(250)}, nullptr, {},
                    clock_.Now());
  httplib::Result response = client_->Get("/metrics");
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response->body, metrics_.Exposition());
  EXPECT_THAT(response->body, HasSubstr("reconcile_watch_passes_total{result=\"converged\"} 1\n"));
  EXPECT_THAT(response->body, HasSubstr("reconcile_watch_last_pass_duration_seconds 0.25\n"));
  EXPECT_THAT(response->body, HasSubstr("reconcile_watch_up 1\n"));
}

TEST_F(MetricsServerTest, HealthzFollowsTheLoop) {
  httplib::Result before = client_->Get("/healthz");
  ASSERT_TRUE(before) << httplib::to_string(before.error());
  EXPECT_EQ(before->status, 503);
  EXPECT_EQ(before->body, "the watch loop is not running\n");

  metrics_.Started(clock_.Now(), absl::Seconds(10));
  httplib::Result running = client_->Get("/healthz");
  ASSERT_TRUE(running);
  EXPECT_EQ(running->status, 200);
  EXPECT_EQ(running->body, "ok\n");

  clock_.Advance(absl::Seconds(31));  // no pass for more than three intervals
  httplib::Result stale = client_->Get("/healthz");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 503);
  EXPECT_THAT(stale->body, StartsWith("no pass finished for 31s"));
}

TEST_F(MetricsServerTest, UnknownPathsAre404AndStopClosesThePort) {
  httplib::Result missing = client_->Get("/");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  server_->Stop();
  server_->Stop();  // idempotent
  httplib::Result after = client_->Get("/metrics");
  EXPECT_FALSE(after) << "still answering after Stop()";
}

// This test verifies that with a status board the server serves the page
// (self-contained: no external script, style, image or font, and a policy
// that forbids loading any) and the board's documents as they are.
TEST(MetricsServerPageTest, ServesThePageAndTheBoardsDocuments) {
  testing::SimulatedClock clock;
  metrics::WatchMetrics metrics;
  StatusBoard board;
  model::Spec spec;
  spec.cluster = "lab";
  PassResult converged;
  board.PassDone({.pass = 1, .converged = true}, &converged, spec, {}, clock.Now());
  absl::StatusOr<std::unique_ptr<MetricsServer>> server =
      MetricsServer::Start({.host = "127.0.0.1", .port = 0}, metrics, clock, &board);
  ASSERT_TRUE(server.ok()) << server.status();
  httplib::Client client("127.0.0.1", (*server)->port());
  client.set_read_timeout(5);

  httplib::Result page = client.Get("/");
  ASSERT_TRUE(page) << httplib::to_string(page.error());
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_THAT(page->get_header_value("Content-Security-Policy"), HasSubstr("default-src 'none'"));
  EXPECT_THAT(page->body, HasSubstr("fetch(path"));
  for (const char* external : {"src=", "href=", "http://", "https://", "@import", "url("}) {
    EXPECT_THAT(page->body, ::testing::Not(HasSubstr(external))) << external;
  }
  EXPECT_THAT(page->body, ::testing::Not(HasSubstr("innerHTML")));

  httplib::Result status = client.Get("/status.json");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(status->body, board.StatusJson());
  httplib::Result history = client.Get("/history.json");
  ASSERT_TRUE(history);
  EXPECT_EQ(history->body, board.HistoryJson());
}

TEST(MetricsServerStartTest, APortInUseIsAClearError) {
  testing::SimulatedClock clock;
  metrics::WatchMetrics metrics;
  absl::StatusOr<std::unique_ptr<MetricsServer>> first =
      MetricsServer::Start({.host = "127.0.0.1", .port = 0}, metrics, clock);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::unique_ptr<MetricsServer>> second =
      MetricsServer::Start({.host = "127.0.0.1", .port = (*first)->port()}, metrics, clock);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr("cannot listen on 127.0.0.1:"));
}

}  // namespace
}  // namespace reconcile::cli
