#include "reconciler/metrics/registry.h"

#include <cmath>

#include "fmt/format.h"

namespace reconcile::metrics {
namespace {

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

// `{a="1",b="2"}`, with `extra` (the histogram's `le`) last; "" when empty.
std::string FormatLabels(const Labels& labels, const std::string& extra = "") {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out += fmt::format("{}=\"{}\"", name, EscapeLabelValue(value));
  }
  if (!extra.empty()) {
    if (out.size() > 1) out += ',';
    out += extra;
  }
  return out + "}";
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Counts and Unix timestamps read better without an exponent.
  if (value == std::floor(value) && std::fabs(value) < 9.007199254740992e15) {
    return fmt::format("{:.0f}", value);
  }
  return fmt::format("{}", value);
}

void Registry::Declare(const std::string& name, const std::string& help, MetricType type,
                       std::vector<double> buckets) {
  absl::MutexLock lock(&mu_);
  Family& family = families_[name];
  family.help = help;
  family.type = type;
  family.buckets = std::move(buckets);
}

Registry::Family* Registry::Find(const std::string& name, MetricType type) {
  auto it = families_.find(name);
  if (it == families_.end() || it->second.type != type) return nullptr;
  return &it->second;
}

void Registry::Add(const std::string& name, const Labels& labels, double delta) {
  absl::MutexLock lock(&mu_);
  if (Family* family = Find(name, MetricType::kCounter); family != nullptr && delta >= 0) {
    family->values[labels] += delta;
  }
}

void Registry::Set(const std::string& name, const Labels& labels, double value) {
  absl::MutexLock lock(&mu_);
  if (Family* family = Find(name, MetricType::kGauge)) family->values[labels] = value;
}

void Registry::Observe(const std::string& name, const Labels& labels, double value) {
  absl::MutexLock lock(&mu_);
  Family* family = Find(name, MetricType::kHistogram);
  if (family == nullptr) return;
  Histogram& histogram = family->histograms[labels];
  histogram.counts.resize(family->buckets.size());
  for (size_t i = 0; i < family->buckets.size(); ++i) {
    if (value <= family->buckets[i]) {
      ++histogram.counts[i];
      break;
    }
  }
  histogram.sum += value;
  ++histogram.count;
}

void Registry::Clear(const std::string& name) {
  absl::MutexLock lock(&mu_);
  if (auto it = families_.find(name); it != families_.end()) {
    it->second.values.clear();
    it->second.histograms.clear();
  }
}

double Registry::Value(const std::string& name, const Labels& labels) const {
  absl::MutexLock lock(&mu_);
  auto family = families_.find(name);
  if (family == families_.end()) return 0;
  auto it = family->second.values.find(labels);
  return it == family->second.values.end() ? 0 : it->second;
}

std::string Registry::Exposition() const {
  absl::MutexLock lock(&mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(family.help), name,
                       TypeName(family.type));
    for (const auto& [labels, value] : family.values) {
      out += fmt::format("{}{} {}\n", name, FormatLabels(labels), FormatValue(value));
    }
    for (const auto& [labels, histogram] : family.histograms) {
      double cumulative = 0;
      for (size_t i = 0; i < family.buckets.size(); ++i) {
        cumulative += histogram.counts[i];
        out += fmt::format("{}_bucket{} {}\n", name,
                           FormatLabels(labels, fmt::format("le=\"{}\"", FormatValue(family.buckets[i]))),
                           FormatValue(cumulative));
      }
      out += fmt::format("{}_bucket{} {}\n", name, FormatLabels(labels, "le=\"+Inf\""),
                         FormatValue(histogram.count));
      out += fmt::format("{}_sum{} {}\n", name, FormatLabels(labels), FormatValue(histogram.sum));
      out += fmt::format("{}_count{} {}\n", name, FormatLabels(labels), FormatValue(histogram.count));
    }
  }
  return out;
}

}  // namespace reconcile::metrics
