// Typed reads from a located YAML tree. Every read that fails adds a located
// diagnostic and returns nullopt, so decoding carries on and reports all
// problems in one pass.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "model/diagnostics.h"
#include "model/yaml_tree.h"

namespace reconcile::model {

class YamlReader {
 public:
  YamlReader(std::string file, Diagnostics& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

  SourceLocation At(const YamlNode& node) const { return {file_, node.line, node.column}; }
  void Error(const YamlNode& node, std::string message) { diagnostics_.Add(At(node), std::move(message)); }
  Diagnostics& diagnostics() { return diagnostics_; }

  // True when `node` is a mapping; otherwise reports "'<what>' must be a mapping".
  bool ExpectMap(const YamlNode& node, std::string_view what);
  bool ExpectList(const YamlNode& node, std::string_view what);
  // Reports every key of `map` not in `allowed`, with a did-you-mean suggestion.
  void CheckKeys(const YamlNode& map, std::span<const std::string_view> allowed,
                 std::string_view where);

  std::optional<std::string> String(const YamlNode& node, std::string_view what);
  std::optional<bool> Bool(const YamlNode& node, std::string_view what);
  std::optional<int64_t> Int(const YamlNode& node, std::string_view what, int64_t min,
                             int64_t max);
  std::optional<uint64_t> Size(const YamlNode& node, std::string_view what, uint64_t min,
                               uint64_t max);
  std::optional<absl::Duration> Duration(const YamlNode& node, std::string_view what,
                                         absl::Duration min, absl::Duration max);
  // A list of strings; a single string is NOT accepted (write [a] for one item).
  std::optional<std::vector<const YamlNode*>> StringList(const YamlNode& node,
                                                        std::string_view what);

 private:
  std::string file_;
  Diagnostics& diagnostics_;
};

}  // namespace reconcile::model
