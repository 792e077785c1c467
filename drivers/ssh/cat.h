// String concatenation that takes std::string_view.
//
// Debian's abseil (20220623) has its own absl::string_view, which
// absl::StrCat cannot take std::string_view arguments as; this is the one
// local replacement used across drivers/ssh.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace reconcile::drivers::ssh {

// Bridges to abseil APIs that take absl::string_view.
inline absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view Std(absl::string_view s) { return std::string_view(s.data(), s.size()); }

namespace internal {
inline void AppendOne(std::string& out, absl::string_view s) { out.append(s.data(), s.size()); }
inline void AppendOne(std::string& out, std::string_view s) { out.append(s); }
inline void AppendOne(std::string& out, const std::string& s) { out.append(s); }
inline void AppendOne(std::string& out, const char* s) { out.append(s ? s : ""); }
inline void AppendOne(std::string& out, char c) { out.push_back(c); }
template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
void AppendOne(std::string& out, T value) {
  out.append(std::to_string(value));
}
}  // namespace internal

template <typename... Args>
void CatTo(std::string& out, const Args&... args) {
  (internal::AppendOne(out, args), ...);
}

template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  CatTo(out, args...);
  return out;
}

}  // namespace reconcile::drivers::ssh

