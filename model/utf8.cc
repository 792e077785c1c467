#include "model/utf8.h"

#include <cstdint>

#include "fmt/format.h"

namespace reconcile::model {

std::optional<TextProblem> FindInvalidUtf8(std::string_view text) {
  int line = 1;
  int column = 1;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<uint8_t>(text[i]);
    size_t length = 0;
    uint32_t code_point = 0;
    uint32_t minimum = 0;
    if (lead == 0) {
      return TextProblem{line, column, "file contains a NUL byte; a spec must be UTF-8 text"};
    } else if (lead < 0x80) {
      length = 1;
      code_point = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, code_point = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code_point = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code_point = lead & 0x07, minimum = 0x10000;
    }
    bool valid = length > 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<uint8_t>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    if (valid && length > 1) {
      valid = code_point >= minimum && code_point <= 0x10FFFF &&
              !(code_point >= 0xD800 && code_point <= 0xDFFF);
    }
    if (!valid) {
      return TextProblem{
          line, column,
          fmt::format("invalid UTF-8 (byte 0x{:02X}); a spec must be UTF-8 text", lead)};
    }
    if (lead == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace reconcile::model
