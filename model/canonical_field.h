// The canonical text form the spec hashes are computed over (model/expand.h):
// one "key=length:value" line per field. Length-prefixing keeps fields with
// newlines or '=' from colliding with neighbouring fields.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <type_traits>

namespace reconcile::model {

// Appends by hand rather than with fmt::format_to: expansion writes a dozen
// fields per node, and the format-string machinery cost more than the hashing.
inline void AppendField(std::string& out, std::string_view key, std::string_view value) {
  char length[20];
  const char* length_end = std::to_chars(length, length + sizeof(length), value.size()).ptr;
  const size_t length_digits = static_cast<size_t>(length_end - length);
  out.append(key);
  out.push_back('=');
  out.append(length, length_digits);
  out.push_back(':');
  out.append(value);
  out.push_back('\n');
}

// Decimal, as std::to_string writes it (a sign for negative values).
template <typename Integer>
  requires(std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>)
void AppendField(std::string& out, std::string_view key, Integer value) {
  char digits[24];
  const char* end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  AppendField(out, key, std::string_view(digits, static_cast<size_t>(end - digits)));
}

}  // namespace reconcile::model
