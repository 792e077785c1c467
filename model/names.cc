#include "model/names.h"

#include <arpa/inet.h>

#include <algorithm>
#include <numeric>

#include "absl/strings/ascii.h"
#include "base/text.h"
#include "fmt/format.h"

namespace reconcile::model {

std::string DnsLabelProblem(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name.size() > kMaxDnsLabelLength) {
    return fmt::format("is {} characters long; a DNS label has at most {}", name.size(),
                       kMaxDnsLabelLength);
  }
  for (char c : name) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) {
      return "may contain only lower-case letters, digits and '-'";
    }
  }
  if (name.front() == '-' || name.back() == '-') return "must not start or end with '-'";
  return "";
}

namespace {
bool IsHostLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxDnsLabelLength) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '-'; });
}
}  // namespace

bool IsValidHostAddress(std::string_view address) {
  if (address.empty() || address.size() > 253) return false;
  std::string text(address);
  unsigned char buffer[16];
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {  // brackets: IPv6 only
    return inet_pton(AF_INET6, text.substr(1, text.size() - 2).c_str(), buffer) == 1;
  }
  if (inet_pton(AF_INET6, text.c_str(), buffer) == 1) return true;
  if (inet_pton(AF_INET, text.c_str(), buffer) == 1) return true;
  std::vector<std::string_view> labels = Split(address, '.');
  // All-numeric dotted names that failed inet_pton (e.g. 10.0.0.300) are typos.
  if (std::all_of(labels.begin(), labels.end(), [](std::string_view l) {
        return !l.empty() && std::all_of(l.begin(), l.end(), absl::ascii_isdigit);
      })) {
    return false;
  }
  return std::all_of(labels.begin(), labels.end(), IsHostLabel);
}

bool IsIdentifier(std::string_view name) {
  if (name.empty() || !(absl::ascii_isalpha(name[0]) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_' || c == '-'; });
}

size_t EditDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment: Levenshtein plus adjacent transpositions, the
  // most common typo ("bsae" for "base").
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates) {
  const size_t limit = std::max<size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    if (candidate == word) continue;  // suggesting the word itself helps nobody
    size_t d = EditDistance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace reconcile::model
