#include "base/shell_quote.h"

#include "gtest/gtest.h"

namespace reconcile {
namespace {

// This test verifies that plain words stay readable and everything else
// becomes one single-quoted word (hostile values are run through /bin/sh in
// tests/model/template_test.cc).
TEST(ShellQuoteTest, LeavesSafeWordsAndQuotesEverythingElse) {
  EXPECT_EQ(ShellQuote("lab-web-1"), "lab-web-1");
  EXPECT_EQ(ShellQuote("10.0.0.1:6443"), "10.0.0.1:6443");
  EXPECT_EQ(ShellQuote("/var/lib/reconcile/roles"), "/var/lib/reconcile/roles");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("$(reboot)"), "'$(reboot)'");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("line\nbreak"), "'line\nbreak'");
}

}  // namespace
}  // namespace reconcile
