#include "model/yaml_reader.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "base/text.h"
#include "model/names.h"
#include "model/units.h"

namespace reconcile::model {
namespace {
// Keeps hostile values from flooding the terminal.
std::string Shorten(std::string_view text) {
  if (text.size() <= 40) return std::string(text);
  return Cat(text.substr(0, 37), "...");
}
}  // namespace

bool YamlReader::ExpectMap(const YamlNode& node, std::string_view what) {
  if (node.kind == YamlNode::Kind::kMap) return true;
  Error(node, Cat("'", what, "' must be a mapping, got ", node.KindName()));
  return false;
}

bool YamlReader::ExpectList(const YamlNode& node, std::string_view what) {
  if (node.kind == YamlNode::Kind::kSequence) return true;
  Error(node, Cat("'", what, "' must be a list, got ", node.KindName()));
  return false;
}

void YamlReader::CheckKeys(const YamlNode& map, std::span<const std::string_view> allowed,
                           std::string_view where) {
  std::vector<std::string> candidates(allowed.begin(), allowed.end());
  for (const auto& [key, value] : map.entries) {
    if (std::find(candidates.begin(), candidates.end(), key.value) != candidates.end()) continue;
    std::string message = Cat("unknown key '", Shorten(key.value), "'");
    if (!where.empty()) Append(message, " in ", where);
    if (auto suggestion = ClosestMatch(key.value, candidates)) {
      Append(message, ", did you mean '", *suggestion, "'?");
    }
    Error(key, std::move(message));
  }
}

std::optional<std::string> YamlReader::String(const YamlNode& node, std::string_view what) {
  if (node.kind == YamlNode::Kind::kScalar) return node.value;
  Error(node, Cat("'", what, "' must be a string, got ", node.KindName()));
  return std::nullopt;
}

std::optional<bool> YamlReader::Bool(const YamlNode& node, std::string_view what) {
  if (node.kind == YamlNode::Kind::kScalar && !node.quoted) {
    if (node.value == "true") return true;
    if (node.value == "false") return false;
  }
  Error(node, Cat("'", what, "' must be true or false, got ",
                           node.kind == YamlNode::Kind::kScalar
                               ? Cat("'", Shorten(node.value), "'")
                               : std::string(node.KindName())));
  return std::nullopt;
}

std::optional<int64_t> YamlReader::Int(const YamlNode& node, std::string_view what, int64_t min,
                                       int64_t max) {
  int64_t value = 0;
  if (node.kind != YamlNode::Kind::kScalar || node.quoted ||
      !absl::SimpleAtoi(node.value, &value)) {
    Error(node, Cat("'", what, "' must be an integer, got ",
                             node.kind == YamlNode::Kind::kScalar
                                 ? Cat("'", Shorten(node.value), "'")
                                 : std::string(node.KindName())));
    return std::nullopt;
  }
  if (value < min || value > max) {
    Error(node, Cat("'", what, "' must be between ", min, " and ", max, ", got ", value));
    return std::nullopt;
  }
  return value;
}

std::optional<uint64_t> YamlReader::Size(const YamlNode& node, std::string_view what,
                                         uint64_t min, uint64_t max) {
  if (node.kind != YamlNode::Kind::kScalar) {
    Error(node, Cat("'", what, "' must be a size like 4GiB, got ", node.KindName()));
    return std::nullopt;
  }
  auto size = ParseSize(node.value);
  if (!size.ok()) {
    Error(node, Cat("'", what, "': ", size.status().message()));
    return std::nullopt;
  }
  if (*size < min || *size > max) {
    Error(node, Cat("'", what, "' must be between ", FormatSize(min), " and ",
                             FormatSize(max), ", got ", Shorten(node.value)));
    return std::nullopt;
  }
  return *size;
}

std::optional<absl::Duration> YamlReader::Duration(const YamlNode& node, std::string_view what,
                                                   absl::Duration min, absl::Duration max) {
  if (node.kind != YamlNode::Kind::kScalar) {
    Error(node, Cat("'", what, "' must be a duration like 30s, got ", node.KindName()));
    return std::nullopt;
  }
  auto duration = ParseDuration(node.value);
  if (!duration.ok()) {
    Error(node, Cat("'", what, "': ", duration.status().message()));
    return std::nullopt;
  }
  if (*duration < min || *duration > max) {
    Error(node, Cat("'", what, "' must be between ", absl::FormatDuration(min), " and ",
                             absl::FormatDuration(max), ", got ", Shorten(node.value)));
    return std::nullopt;
  }
  return *duration;
}

std::optional<std::vector<const YamlNode*>> YamlReader::StringList(const YamlNode& node,
                                                                  std::string_view what) {
  if (!ExpectList(node, what)) return std::nullopt;
  std::vector<const YamlNode*> out;
  bool ok = true;
  for (const auto& item : node.items) {
    if (item.kind != YamlNode::Kind::kScalar) {
      Error(item, Cat("items of '", what, "' must be strings, got ", item.KindName()));
      ok = false;
      continue;
    }
    out.push_back(&item);
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace reconcile::model
