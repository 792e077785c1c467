#include "model/yaml_reader.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/numbers.h"
#include "fmt/format.h"
#include "model/names.h"
#include "model/units.h"

namespace reconcile::model {
namespace {
// Keeps hostile values from flooding the terminal.
std::string Shorten(std::string_view text) {
  if (text.size() <= 40) return std::string(text);
  return fmt::format("{}...", text.substr(0, 37));
}

// A size or a duration: a scalar that `parse` reads, within [min, max] as
// `format` prints them.
template <typename T>
std::optional<T> Measure(YamlReader& reader, const YamlNode& node, std::string_view what,
                         std::string_view example, absl::StatusOr<T> (*parse)(std::string_view),
                         std::string (*format)(T), T min, T max) {
  if (node.kind != YamlNode::Kind::kScalar) {
    reader.Error(node, fmt::format("'{}' must be {}, got {}", what, example, node.KindName()));
    return std::nullopt;
  }
  absl::StatusOr<T> value = parse(node.value);
  if (!value.ok()) {
    reader.Error(node, fmt::format("'{}': {}", what, std::string(value.status().message())));
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    reader.Error(node, fmt::format("'{}' must be between {} and {}, got {}", what, format(min),
                                   format(max), Shorten(node.value)));
    return std::nullopt;
  }
  return *value;
}
}  // namespace

bool YamlReader::ExpectMap(const YamlNode& node, std::string_view what) {
  if (node.kind == YamlNode::Kind::kMap) return true;
  Error(node, fmt::format("'{}' must be a mapping, got {}", what, node.KindName()));
  return false;
}

bool YamlReader::ExpectList(const YamlNode& node, std::string_view what) {
  if (node.kind == YamlNode::Kind::kSequence) return true;
  Error(node, fmt::format("'{}' must be a list, got {}", what, node.KindName()));
  return false;
}

void YamlReader::CheckKeys(const YamlNode& map, std::span<const std::string_view> allowed,
                           std::string_view where) {
  std::vector<std::string> candidates(allowed.begin(), allowed.end());
  for (const auto& [key, value] : map.entries) {
    if (std::find(candidates.begin(), candidates.end(), key.value) != candidates.end()) continue;
    std::string message = fmt::format("unknown key '{}'", Shorten(key.value));
    if (!where.empty()) fmt::format_to(std::back_inserter(message), " in {}", where);
    if (auto suggestion = ClosestMatch(key.value, candidates)) {
      fmt::format_to(std::back_inserter(message), ", did you mean '{}'?", *suggestion);
    }
    Error(key, std::move(message));
  }
}

std::optional<std::string> YamlReader::String(const YamlNode& node, std::string_view what) {
  if (node.kind == YamlNode::Kind::kScalar) return node.value;
  Error(node, fmt::format("'{}' must be a string, got {}", what, node.KindName()));
  return std::nullopt;
}

std::optional<bool> YamlReader::Bool(const YamlNode& node, std::string_view what) {
  if (node.kind == YamlNode::Kind::kScalar && !node.quoted) {
    if (node.value == "true") return true;
    if (node.value == "false") return false;
  }
  Error(node,
        fmt::format("'{}' must be true or false, got {}", what,
                    node.kind == YamlNode::Kind::kScalar ? fmt::format("'{}'", Shorten(node.value))
                                                         : std::string(node.KindName())));
  return std::nullopt;
}

std::optional<int64_t> YamlReader::Int(const YamlNode& node, std::string_view what, int64_t min,
                                       int64_t max) {
  int64_t value = 0;
  if (node.kind != YamlNode::Kind::kScalar || node.quoted ||
      !absl::SimpleAtoi(node.value, &value)) {
    Error(node, fmt::format("'{}' must be an integer, got {}", what,
                            node.kind == YamlNode::Kind::kScalar
                                ? fmt::format("'{}'", Shorten(node.value))
                                : std::string(node.KindName())));
    return std::nullopt;
  }
  if (value < min || value > max) {
    Error(node, fmt::format("'{}' must be between {} and {}, got {}", what, min, max, value));
    return std::nullopt;
  }
  return value;
}

std::optional<uint64_t> YamlReader::Size(const YamlNode& node, std::string_view what,
                                         uint64_t min, uint64_t max) {
  return Measure<uint64_t>(*this, node, what, "a size like 4GiB", ParseSize, FormatSize, min,
                           max);
}

std::optional<absl::Duration> YamlReader::Duration(const YamlNode& node, std::string_view what,
                                                   absl::Duration min, absl::Duration max) {
  return Measure<absl::Duration>(*this, node, what, "a duration like 30s", ParseDuration,
                                 absl::FormatDuration, min, max);
}

std::optional<std::vector<const YamlNode*>> YamlReader::StringList(const YamlNode& node,
                                                                  std::string_view what) {
  if (!ExpectList(node, what)) return std::nullopt;
  std::vector<const YamlNode*> out;
  bool ok = true;
  for (const auto& item : node.items) {
    if (item.kind != YamlNode::Kind::kScalar) {
      Error(item, fmt::format("items of '{}' must be strings, got {}", what, item.KindName()));
      ok = false;
      continue;
    }
    out.push_back(&item);
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace reconcile::model
