// Splitting, stripping and counting ("1 pass") over std::string_view, used across
// the project; strings are built with fmt (fmt::format, fmt::format_to, fmt::join).
// Not absl::StrSplit: Debian's abseil (20220623) yields its own absl::string_view, not std's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fmt/format.h"

namespace reconcile {

// ASCII whitespace, as isspace() in the C locale.
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline std::string_view StripTrailing(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

inline std::string_view Strip(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return StripTrailing(s);
}

// Every piece between separators, empty ones included: "a,,b" -> {"a", "", "b"}.
inline std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = s.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

// The non-empty pieces between any of `separators`: "a  b\tc" split at " \t"
// -> {"a", "b", "c"}.
inline std::vector<std::string_view> SplitNonEmpty(std::string_view s,
                                                   std::string_view separators) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find_first_of(separators, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) parts.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// "1 pass", "2 passes", "0 nodes": a count and the noun that agrees with it.
inline std::string Counted(long long n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace reconcile
