// Text that came from outside (reasons, error messages, names) made fit for one
// line of a terminal.
#pragma once

#include <string>
#include <string_view>

namespace reconcile::render {

// `text` on one line with nothing a terminal would act on: newlines, carriage
// returns and tabs become spaces; every other C0/C1 control character, DEL
// included, is shown as an escape like `\x1b` or `\u009b`, so an error message
// read from a node cannot move the cursor or recolour the operator's terminal.
std::string TerminalSafe(std::string_view text);

// Columns `text` takes: one per UTF-8 code point, counted by its lead byte
// (wide glyphs are not special-cased; node and role names are ASCII).
size_t DisplayWidth(std::string_view text);

}  // namespace reconcile::render
