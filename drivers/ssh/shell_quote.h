// POSIX shell quoting for values placed into commands run on nodes.
#pragma once

#include <string>
#include <string_view>

namespace reconcile::drivers::ssh {

// Returns `value` as one single-quoted sh word: every byte is literal, a quote
// inside becomes '\''. Safe for any input, including empty and newlines.
inline std::string ShellQuote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

}  // namespace reconcile::drivers::ssh
