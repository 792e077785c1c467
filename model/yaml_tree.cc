#include "model/yaml_tree.h"

#include <algorithm>
#include <exception>
#include <map>
#include <optional>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "fmt/format.h"
#include "model/utf8.h"
#include "yaml-cpp/eventhandler.h"
#include "yaml-cpp/exceptions.h"
#include "yaml-cpp/mark.h"
#include "yaml-cpp/parser.h"

namespace reconcile::model {

const YamlNode* YamlNode::Find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.kind == Kind::kScalar && k.value == key) return &v;
  }
  return nullptr;
}

std::string_view YamlNode::KindName() const {
  switch (kind) {
    case Kind::kNull: return "empty";
    case Kind::kScalar: return "a scalar";
    case Kind::kSequence: return "a list";
    case Kind::kMap: return "a mapping";
  }
  return "unknown";
}

namespace {

// Thrown from inside yaml-cpp's callbacks to abandon the parse; caught below.
struct ParseAbort {
  int line;
  int column;
  std::string message;
};

size_t CountNodes(const YamlNode& node) {
  size_t n = 1;
  for (const auto& item : node.items) n += CountNodes(item);
  for (const auto& [k, v] : node.entries) n += CountNodes(k) + CountNodes(v);
  return n;
}

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view file, Diagnostics& diagnostics, const YamlLimits& limits)
      : file_(file), diagnostics_(diagnostics), limits_(limits) {}

  std::unique_ptr<YamlNode> TakeRoot() { return std::move(root_); }
  bool saw_document() const { return saw_document_; }

  void OnDocumentStart(const YAML::Mark&) override { saw_document_ = true; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Complete(Leaf(mark, YamlNode::Kind::kNull, ""), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      throw ParseAbort{mark.line + 1, mark.column + 1,
                       "alias refers to a node that contains it (recursive alias)"};
    }
    Charge(it->second.size, mark);
    YamlNode copy = it->second.node;
    copy.line = mark.line + 1;
    copy.column = mark.column + 1;
    Complete(std::move(copy), 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const bool quoted = tag != "?";
    const bool is_null = !quoted && (value == "~" || value == "null" || value == "Null" ||
                                     value == "NULL");
    YamlNode node = Leaf(mark, is_null ? YamlNode::Kind::kNull : YamlNode::Kind::kScalar, value);
    node.quoted = quoted;
    Complete(std::move(node), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, YamlNode::Kind::kSequence, anchor);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, YamlNode::Kind::kMap, anchor);
  }
  void OnMapEnd() override {
    Frame& frame = stack_.back();
    if (frame.pending_key) {  // yaml-cpp always pairs keys; be defensive anyway
      frame.node.entries.push_back({std::move(*frame.pending_key), YamlNode{}});
      frame.pending_key.reset();
    }
    FinishMap(frame.node);
    Close();
  }

 private:
  struct Frame {
    YamlNode node;
    YAML::anchor_t anchor = 0;
    std::optional<YamlNode> pending_key;
  };
  struct Anchored {
    YamlNode node;
    size_t size = 0;
  };

  SourceLocation At(int line, int column) const { return {file_, line, column}; }

  YamlNode Leaf(const YAML::Mark& mark, YamlNode::Kind kind, std::string value) {
    Charge(1, mark);
    YamlNode node;
    node.kind = kind;
    node.line = mark.line + 1;
    node.column = mark.column + 1;
    node.value = std::move(value);
    return node;
  }

  void Charge(size_t nodes, const YAML::Mark& mark) { ChargeAt(nodes, mark.line + 1, mark.column + 1); }

  void ChargeAt(size_t nodes, int line, int column) {
    nodes_ += nodes;
    if (nodes_ > limits_.max_nodes) {
      throw ParseAbort{
          line, column,
          fmt::format("document has more than {} nodes after expanding aliases (alias bomb?)",
                      limits_.max_nodes)};
    }
  }

  void Open(const YAML::Mark& mark, YamlNode::Kind kind, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      throw ParseAbort{mark.line + 1, mark.column + 1,
                       fmt::format("nesting is deeper than {} levels", limits_.max_depth)};
    }
    Frame frame;
    frame.node = Leaf(mark, kind, "");
    frame.anchor = anchor;
    stack_.push_back(std::move(frame));
  }

  void Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    Complete(std::move(frame.node), frame.anchor);
  }

  // Reports duplicate and non-scalar keys, then applies `<<` merge keys.
  void FinishMap(YamlNode& map) {
    absl::flat_hash_map<std::string, std::pair<int, int>> seen;  // key -> line, column
    std::vector<YamlEntry> kept;
    std::vector<YamlNode> merges;
    for (auto& entry : map.entries) {
      const YamlNode& key = entry.first;
      if (key.kind != YamlNode::Kind::kScalar) {
        diagnostics_.Add(At(key.line, key.column),
                         fmt::format("mapping keys must be strings, got {}", key.KindName()));
        continue;
      }
      if (!key.quoted && key.value == "<<") {
        merges.push_back(std::move(entry.second));
        continue;
      }
      auto [it, inserted] = seen.emplace(key.value, std::pair{key.line, key.column});
      if (!inserted) {
        diagnostics_.Add(At(key.line, key.column),
                         fmt::format("duplicate key '{}' (first defined at {}:{})", key.value,
                                     it->second.first, it->second.second));
        continue;
      }
      kept.push_back(std::move(entry));
    }
    for (YamlNode& merge : merges) {
      std::vector<YamlNode*> sources;
      if (merge.kind == YamlNode::Kind::kMap) sources.push_back(&merge);
      if (merge.kind == YamlNode::Kind::kSequence) {
        for (auto& item : merge.items) sources.push_back(&item);
      }
      if (sources.empty() ||
          std::any_of(sources.begin(), sources.end(),
                      [](YamlNode* s) { return s->kind != YamlNode::Kind::kMap; })) {
        diagnostics_.Add(At(merge.line, merge.column),
                         "merge key '<<' needs a mapping or a list of mappings");
        continue;
      }
      for (YamlNode* source : sources) {
        for (auto& [key, value] : source->entries) {
          if (seen.contains(key.value)) continue;  // explicit keys win over merged ones
          kept.push_back({key, value});
          seen.emplace(key.value, std::pair{key.line, key.column});
        }
      }
    }
    map.entries = std::move(kept);
  }

  void Complete(YamlNode node, YAML::anchor_t anchor) {
    if (anchor != 0) {
      // The anchor keeps its own copy: charge it, or nested anchors would
      // copy the document once per nesting level for free.
      const size_t size = CountNodes(node);
      ChargeAt(size, node.line, node.column);
      anchors_[anchor] = Anchored{node, size};
    }
    if (stack_.empty()) {
      root_ = std::make_unique<YamlNode>(std::move(node));
      return;
    }
    Frame& parent = stack_.back();
    if (parent.node.kind == YamlNode::Kind::kSequence) {
      parent.node.items.push_back(std::move(node));
    } else if (!parent.pending_key) {
      parent.pending_key = std::move(node);
    } else {
      parent.node.entries.push_back({std::move(*parent.pending_key), std::move(node)});
      parent.pending_key.reset();
    }
  }

  std::string file_;
  Diagnostics& diagnostics_;
  const YamlLimits& limits_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  std::unique_ptr<YamlNode> root_;
  size_t nodes_ = 0;
  bool saw_document_ = false;
};

}  // namespace

std::unique_ptr<YamlNode> ParseYaml(std::string_view text, std::string_view file_name,
                                    Diagnostics& diagnostics, const YamlLimits& limits) {
  const std::string file(file_name);
  if (text.size() > limits.max_bytes) {
    diagnostics.Add({file, 1, 1}, fmt::format("file is {} bytes; a spec may be at most {} bytes",
                                              text.size(), limits.max_bytes));
    return nullptr;
  }
  if (auto bad = FindInvalidUtf8(text)) {
    diagnostics.Add({file, bad->line, bad->column}, bad->message);
    return nullptr;
  }
  std::istringstream stream{std::string(text)};
  TreeBuilder builder(file, diagnostics, limits);
  try {
    YAML::Parser parser(stream);
    parser.HandleNextDocument(builder);
    std::unique_ptr<YamlNode> root = builder.TakeRoot();
    if (root == nullptr || root->kind == YamlNode::Kind::kNull) {
      diagnostics.Add({file, 1, 1}, "spec is empty");
      return nullptr;
    }
    TreeBuilder rest(file, diagnostics, limits);
    if (parser.HandleNextDocument(rest)) {
      std::unique_ptr<YamlNode> extra = rest.TakeRoot();
      SourceLocation where{file, extra ? extra->line : 1, extra ? extra->column : 1};
      diagnostics.Add(where, "a spec is a single YAML document; found another one here");
    }
    return root;
  } catch (const ParseAbort& abort) {
    diagnostics.Add({file, abort.line, abort.column}, abort.message);
  } catch (const YAML::Exception& e) {
    const bool known = !e.mark.is_null();
    diagnostics.Add({file, known ? e.mark.line + 1 : 1, known ? e.mark.column + 1 : 1},
                    fmt::format("YAML syntax error: {}", e.msg));
  } catch (const std::exception& e) {
    diagnostics.Add({file, 1, 1}, fmt::format("cannot parse YAML: {}", e.what()));
  }
  return nullptr;
}

}  // namespace reconcile::model
