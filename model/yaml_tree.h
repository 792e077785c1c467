// A YAML document as a tree that remembers where every node was written.
//
// Built from yaml-cpp's event API rather than YAML::Node because the Node API
// drops positions on the floor and silently keeps one of two duplicate keys.
// Parsing is bounded: input size, nesting depth and the number of nodes after
// alias expansion are capped, so alias bombs and deep nesting end in a
// diagnostic instead of exhausting memory, stack or time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/diagnostics.h"

namespace reconcile::model {

struct YamlLimits {
  size_t max_bytes = 1 << 20;   // a cluster spec is a few KiB
  int max_depth = 64;           // specs nest about six levels deep
  size_t max_nodes = 50'000;    // after expanding aliases; real specs have a few thousand
};

struct YamlEntry;

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  int line = 1;    // 1-based
  int column = 1;  // 1-based
  std::string value;     // scalars only: the text as written (without quotes)
  bool quoted = false;   // scalars only: quoted or explicitly tagged, so never a number/bool
  std::vector<YamlNode> items;                          // sequences
  std::vector<YamlEntry> entries;                       // maps, in written order

  const YamlNode* Find(std::string_view key) const;  // maps only; nullptr if absent
  std::string_view KindName() const;                 // "a string", "a list", ...
};

// A std::pair would need YamlNode complete inside its own definition.
struct YamlEntry {
  YamlNode first;   // the key
  YamlNode second;  // the value
};

// Parses one YAML document. Problems (syntax errors, duplicate keys, limits,
// non-UTF-8 bytes, an empty file, several documents) are added to `diagnostics`
// with locations in `file_name`. Returns nullptr when no usable tree exists; a
// tree may still come back alongside non-fatal diagnostics (duplicate keys).
std::unique_ptr<YamlNode> ParseYaml(std::string_view text, std::string_view file_name,
                                    Diagnostics& diagnostics, const YamlLimits& limits = {});

}  // namespace reconcile::model
