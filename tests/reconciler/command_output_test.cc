#include "reconciler/command_output.h"

#include <string>

#include "gtest/gtest.h"

namespace reconcile {
namespace {

// This test verifies that a short error output is kept whole, less its
// trailing newlines.
TEST(StderrTail, KeepsShortOutputWithoutTrailingNewlines) {
  EXPECT_EQ(StderrTail("apt-get: not found\r\n\n"), "apt-get: not found");
  EXPECT_EQ(StderrTail(""), "(no error output)");
  EXPECT_EQ(StderrTail("\n"), "(no error output)");
}

// This test verifies that a long error output keeps its end, marked as cut.
TEST(StderrTail, KeepsTheEndOfLongOutput) {
  const std::string text = std::string(1000, 'a') + "the reason\n";
  const std::string tail = StderrTail(text);
  EXPECT_EQ(tail.size(), 3 + 400 - 1);
  EXPECT_EQ(tail.substr(0, 3), "...");
  EXPECT_EQ(tail.substr(tail.size() - 10), "the reason");
  EXPECT_EQ(StderrTail("0123456789", 4), "...6789");
}

}  // namespace
}  // namespace reconcile
