// Located problems found while loading a spec, collected so that one run
// reports every mistake in a file instead of stopping at the first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "model/spec.h"

namespace reconcile::model {

struct Diagnostic {
  SourceLocation location;
  std::string message;

  // "file:line:col: message", the form editors and compilers use.
  std::string ToString() const;
};

// Accumulates diagnostics in the order they were found.
class Diagnostics {
 public:
  void Add(SourceLocation location, std::string message);
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }

  // One diagnostic per line, sorted by position (stable for equal positions).
  std::string ToString() const;
  // OkStatus when empty, otherwise kInvalidArgument carrying ToString().
  absl::Status ToStatus() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace reconcile::model
