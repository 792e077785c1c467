// POSIX shell quoting: the one way values are placed into commands that run
// on nodes (templated role steps, the probe script, uploads).
#pragma once

#include <string>
#include <string_view>

namespace reconcile {

// Returns one sh word whose value is exactly `value`: words of only
// [A-Za-z0-9@%+=:,./_-] are left as they are, everything else is
// single-quoted with each ' written as '\''. Safe for any input, including
// empty strings, newlines and $(...).
std::string ShellQuote(std::string_view value);

}  // namespace reconcile
