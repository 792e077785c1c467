// A small in-memory metrics registry rendered in the Prometheus text
// exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// Pure: no I/O. Thread-safe, because the watch loop writes while the HTTP
// server thread reads. Families are declared once with their help text and
// type; samples are kept per label set in sorted order, so the output is
// stable. Label values must only ever be names (kinds, states, groups), never
// values from the spec's variables: everything here is served unauthenticated.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace reconcile::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };

// Label name -> value; a std::map keeps them sorted by name.
using Labels = std::map<std::string, std::string>;

class Registry {
 public:
  // Declares a family. `buckets` (upper bounds, ascending) only for histograms.
  void Declare(const std::string& name, const std::string& help, MetricType type,
               std::vector<double> buckets = {});

  // Counter: adds `delta` (>= 0). Gauge: sets the value. Histogram: records one
  // observation. Using an undeclared name or the wrong type is a programming
  // error and is ignored (metrics must never take the controller down).
  void Add(const std::string& name, const Labels& labels, double delta = 1);
  void Set(const std::string& name, const Labels& labels, double value);
  void Observe(const std::string& name, const Labels& labels, double value);
  // Gauge families whose label sets change from pass to pass (nodes by state)
  // are cleared before being set again, so a state nobody is in disappears.
  void Clear(const std::string& name);

  // Current value of a counter or gauge sample (0 when absent); for tests.
  double Value(const std::string& name, const Labels& labels) const;

  // Every family in name order, in the text format 0.0.4.
  std::string Exposition() const;

 private:
  struct Histogram {
    std::vector<double> counts;  // per bucket, not cumulative
    double sum = 0;
    double count = 0;
  };
  struct Family {
    std::string help;
    MetricType type = MetricType::kCounter;
    std::vector<double> buckets;
    std::map<Labels, double> values;
    std::map<Labels, Histogram> histograms;
  };

  Family* Find(const std::string& name, MetricType type) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, Family> families_ ABSL_GUARDED_BY(mu_);
};

// The text format's escaping: label values escape backslash, double quote and
// newline; help text escapes backslash and newline.
std::string EscapeLabelValue(const std::string& value);
std::string EscapeHelp(const std::string& help);
// Sample values: integers without a fraction, "+Inf", "-Inf", "NaN".
std::string FormatValue(double value);

}  // namespace reconcile::metrics
