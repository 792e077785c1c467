#include "model/diagnostics.h"

#include <algorithm>
#include <iterator>
#include <tuple>

#include "fmt/format.h"

namespace reconcile::model {

std::string Diagnostic::ToString() const {
  return fmt::format("{}:{}:{}: {}", location.file, location.line, location.column, message);
}

void Diagnostics::Add(SourceLocation location, std::string message) {
  items_.push_back({std::move(location), std::move(message)});
}

std::string Diagnostics::ToString() const {
  std::vector<const Diagnostic*> sorted;
  for (const auto& d : items_) sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
    return std::tie(a->location.file, a->location.line, a->location.column) <
           std::tie(b->location.file, b->location.line, b->location.column);
  });
  std::string out;
  for (const Diagnostic* d : sorted) fmt::format_to(std::back_inserter(out), "{}\n", d->ToString());
  return out;
}

absl::Status Diagnostics::ToStatus() const {
  if (items_.empty()) return absl::OkStatus();
  std::string text = ToString();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return absl::InvalidArgumentError(text);
}

}  // namespace reconcile::model
