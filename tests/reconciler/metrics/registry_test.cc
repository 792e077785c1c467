// This test verifies that the metrics registry renders the Prometheus text
// exposition format 0.0.4 exactly: HELP/TYPE lines, sorted families and label
// sets, escaping, and cumulative histogram buckets.
#include "reconciler/metrics/registry.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace reconcile::metrics {
namespace {

TEST(RegistryTest, RendersCountersAndGaugesSortedWithHelpAndType) {
  Registry registry;
  registry.Declare("b_total", "Things done.", MetricType::kCounter);
  registry.Declare("a_gauge", "A level.", MetricType::kGauge);
  registry.Add("b_total", {{"kind", "start"}, {"outcome", "failed"}});
  registry.Add("b_total", {{"kind", "create"}, {"outcome", "succeeded"}}, 2);
  registry.Add("b_total", {{"outcome", "succeeded"}, {"kind", "create"}});
  registry.Set("a_gauge", {}, 0.25);

  EXPECT_EQ(registry.Exposition(),
            "# HELP a_gauge A level.\n"
            "# TYPE a_gauge gauge\n"
            "a_gauge 0.25\n"
            "# HELP b_total Things done.\n"
            "# TYPE b_total counter\n"
            "b_total{kind=\"create\",outcome=\"succeeded\"} 3\n"
            "b_total{kind=\"start\",outcome=\"failed\"} 1\n");
}

TEST(RegistryTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.Declare("g", "Back\\slash and\nnewline \"quoted\".", MetricType::kGauge);
  registry.Set("g", {{"group", "a\"b\\c\nd"}}, 1);
  EXPECT_EQ(registry.Exposition(),
            "# HELP g Back\\\\slash and\\nnewline \"quoted\".\n"
            "# TYPE g gauge\n"
            "g{group=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(RegistryTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry registry;
  registry.Declare("d_seconds", "Durations.", MetricType::kHistogram, {0.5, 1, 5});
  registry.Observe("d_seconds", {}, 0.2);
  registry.Observe("d_seconds", {}, 0.7);
  registry.Observe("d_seconds", {}, 1);
  registry.Observe("d_seconds", {}, 30);
  EXPECT_EQ(registry.Exposition(),
            "# HELP d_seconds Durations.\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{le=\"0.5\"} 1\n"
            "d_seconds_bucket{le=\"1\"} 3\n"
            "d_seconds_bucket{le=\"5\"} 3\n"
            "d_seconds_bucket{le=\"+Inf\"} 4\n"
            "d_seconds_sum 31.9\n"
            "d_seconds_count 4\n");
}

TEST(RegistryTest, HistogramLabelsComeBeforeLe) {
  Registry registry;
  registry.Declare("h", "H.", MetricType::kHistogram, {1});
  registry.Observe("h", {{"kind", "create"}}, 2);
  EXPECT_EQ(registry.Exposition(),
            "# HELP h H.\n# TYPE h histogram\n"
            "h_bucket{kind=\"create\",le=\"1\"} 0\n"
            "h_bucket{kind=\"create\",le=\"+Inf\"} 1\n"
            "h_sum{kind=\"create\"} 2\n"
            "h_count{kind=\"create\"} 1\n");
}

TEST(RegistryTest, DeclaredFamilyWithoutSamplesStillHasHelpAndType) {
  Registry registry;
  registry.Declare("x_total", "X.", MetricType::kCounter);
  EXPECT_EQ(registry.Exposition(), "# HELP x_total X.\n# TYPE x_total counter\n");
}

TEST(RegistryTest, MisuseIsIgnoredRatherThanFatal) {
  Registry registry;
  registry.Declare("c_total", "C.", MetricType::kCounter);
  registry.Add("undeclared", {}, 1);
  registry.Set("c_total", {}, 5);     // a counter cannot be set
  registry.Add("c_total", {}, -1);    // nor go down
  registry.Observe("c_total", {}, 1);  // nor be a histogram
  EXPECT_EQ(registry.Exposition(), "# HELP c_total C.\n# TYPE c_total counter\n");
}

TEST(RegistryTest, ClearDropsLabelSetsThatNoLongerExist) {
  Registry registry;
  registry.Declare("n", "N.", MetricType::kGauge);
  registry.Set("n", {{"state", "missing"}}, 3);
  registry.Clear("n");
  registry.Set("n", {{"state", "ready"}}, 3);
  EXPECT_EQ(registry.Exposition(), "# HELP n N.\n# TYPE n gauge\nn{state=\"ready\"} 3\n");
  EXPECT_EQ(registry.Value("n", {{"state", "missing"}}), 0);
  EXPECT_EQ(registry.Value("n", {{"state", "ready"}}), 3);
}

TEST(RegistryTest, FormatsSpecialAndLargeValues) {
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatValue(1764442800), "1764442800");
  EXPECT_EQ(FormatValue(1764442800.5), "1764442800.5");
  EXPECT_EQ(FormatValue(0.001), "0.001");
  EXPECT_EQ(FormatValue(-2), "-2");
}

}  // namespace
}  // namespace reconcile::metrics
