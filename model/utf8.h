// Strict UTF-8 validation with a position, so a spec saved in Latin-1 or
// UTF-16 is rejected with a location instead of producing garbled names.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace reconcile::model {

struct TextProblem {
  int line;    // 1-based
  int column;  // 1-based, in characters
  std::string message;
};

// The first invalid byte sequence (overlong forms, surrogates, code points
// above U+10FFFF and NUL bytes included), or nullopt when `text` is clean.
std::optional<TextProblem> FindInvalidUtf8(std::string_view text);

}  // namespace reconcile::model
