// Small string helpers over std::string_view, used across the project.
//
// Debian's abseil (20220623) is built with its own absl::string_view, not
// std::string_view, so absl::StrCat and friends do not accept
// std::string_view; these do, and Absl()/Std() bridge the two view types.
#pragma once

#include <concepts>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"

namespace reconcile {

inline absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view Std(absl::string_view s) { return std::string_view(s.data(), s.size()); }

namespace text_internal {
inline void AppendOne(std::string& out, std::string_view s) { out.append(s); }
inline void AppendOne(std::string& out, const char* s) { out.append(s ? s : ""); }
inline void AppendOne(std::string& out, absl::string_view s) { out.append(s.data(), s.size()); }
inline void AppendOne(std::string& out, const std::string& s) { out.append(s); }
inline void AppendOne(std::string& out, char c) { out.push_back(c); }
template <std::integral T>
  requires(!std::same_as<T, char> && !std::same_as<T, bool>)
void AppendOne(std::string& out, T value) {
  out.append(std::to_string(value));
}
}  // namespace text_internal

// Appends every argument (strings of any view type, chars, integers) to `out`.
template <typename... Args>
void Append(std::string& out, const Args&... args) {
  (text_internal::AppendOne(out, args), ...);
}

template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  Append(out, args...);
  return out;
}

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline std::string_view Strip(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

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

// "1 pass", "2 passes", "0 nodes": a count and the noun that agrees with it.
inline std::string Counted(long long n, std::string_view one, std::string_view many) {
  std::string out = std::to_string(n);
  out += ' ';
  out.append(n == 1 ? one : many);
  return out;
}

template <typename Container>
std::string Join(const Container& items, std::string_view separator) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out.append(separator);
    first = false;
    out.append(item);
  }
  return out;
}

}  // namespace reconcile
