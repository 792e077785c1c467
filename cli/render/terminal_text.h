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

// `text` cut to at most `columns` code points, the last three "..." when cut.
std::string CutToWidth(std::string_view text, size_t columns);

// Whether to colour output written to `fd`: a terminal, NO_COLOR unset or empty
// (https://no-color.org), and TERM not "dumb". Every coloured output asks this
// (plan text, apply's passes, the progress line).
bool UseColor(int fd);

// The decision behind UseColor, from its inputs (null means unset).
bool ColorWanted(bool is_terminal, const char* no_color, const char* term);

// Whether a line written to `fd` can be redrawn in place (carriage return,
// erase to end of line): a terminal whose TERM is not "dumb". NO_COLOR does
// not matter here: it is about colour only.
bool CanRedrawLine(int fd);

// The width of the terminal at `fd`, else $COLUMNS, else 80.
size_t TerminalColumns(int fd);

}  // namespace reconcile::render
