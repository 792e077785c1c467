// This test verifies that outside text is made safe for one terminal line and
// that display widths count code points, not bytes.
#include "cli/render/terminal_text.h"

#include "gtest/gtest.h"

namespace reconcile::render {
namespace {

TEST(TerminalSafeTest, PlainTextIsUnchanged) {
  EXPECT_EQ(TerminalSafe("role changed since it was applied"), "role changed since it was applied");
  EXPECT_EQ(TerminalSafe("caf\xc3\xa9 \xe2\x86\x92 ok"), "caf\xc3\xa9 \xe2\x86\x92 ok");
}

TEST(TerminalSafeTest, LineBreaksAndTabsBecomeSpaces) {
  EXPECT_EQ(TerminalSafe("a\nb\r\nc\td"), "a b  c d");
}

TEST(TerminalSafeTest, ControlCharactersAreEscaped) {
  EXPECT_EQ(TerminalSafe("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(TerminalSafe(std::string("nul\0bel\x07" "del\x7f", 12)), "nul\\x00bel\\x07del\\x7f");
  EXPECT_EQ(TerminalSafe("csi\xc2\x9b" "2J"), "csi\\u009b2J");
  EXPECT_EQ(TerminalSafe("nbsp\xc2\xa0ok"), "nbsp\xc2\xa0ok");  // U+00A0 is printable
  EXPECT_EQ(TerminalSafe("cut\xc2"), "cut\xc2");  // a truncated sequence at the end is kept
}

TEST(DisplayWidthTest, CountsCodePoints) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("lab-cp-1 [control]"), 18u);
  EXPECT_EQ(DisplayWidth("caf\xc3\xa9"), 4u);
  EXPECT_EQ(DisplayWidth("\xe2\x86\x92"), 1u);
}

TEST(CutToWidthTest, CutsByCodePointsAndSaysSo) {
  EXPECT_EQ(CutToWidth("short", 10), "short");
  EXPECT_EQ(CutToWidth("exactly10!", 10), "exactly10!");
  EXPECT_EQ(CutToWidth("a longer line", 10), "a longe...");
  EXPECT_EQ(CutToWidth("caf\xc3\xa9 au lait", 7), "caf\xc3\xa9...");  // never half a code point
  EXPECT_EQ(DisplayWidth(CutToWidth("caf\xc3\xa9 au lait", 7)), 7u);
  EXPECT_EQ(CutToWidth("abcdef", 2), "..");
}

}  // namespace
}  // namespace reconcile::render
