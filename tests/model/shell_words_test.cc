// This test verifies that the template fuzzer's oracle (fuzz/shell_words.h)
// splits command lines as sh does and flags what is active outside quotes, so
// the fuzzer's "values never escape quoting" check can actually fail.
#include "fuzz/shell_words.h"

#include "base/shell_quote.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::fuzz {
namespace {

using ::testing::ElementsAre;

TEST(ShellWordsTest, QuotedHostileValuesAreOneInertWord) {
  for (const char* value : {"", "a b", "it's", "$(id)", "`id`", "a;b|c&d", "x\ny", "\"q\"", "*", "~", "#c"}) {
    SCOPED_TRACE(value);
    auto words = SplitShellWords("echo " + ShellQuote(value));
    ASSERT_TRUE(words.has_value());
    EXPECT_FALSE(words->active_unquoted);
    EXPECT_THAT(words->words, ElementsAre("echo", value));
  }
}

TEST(ShellWordsTest, UnquotedActiveCharactersAreFlagged) {
  for (const char* line : {"echo $(id)", "echo `id`", "a;b", "a|b", "a&b", "a>b", "ls *", "echo #x",
                           "echo \"$HOME\"", "a\nb"}) {
    SCOPED_TRACE(line);
    auto words = SplitShellWords(line);
    ASSERT_TRUE(words.has_value());
    EXPECT_TRUE(words->active_unquoted);
  }
}

TEST(ShellWordsTest, QuotingRulesAndUnterminatedQuotes) {
  EXPECT_THAT(SplitShellWords("a 'b c'd \"e\\\"f\" g\\ h")->words, ElementsAre("a", "b cd", "e\"f", "g h"));
  EXPECT_FALSE(SplitShellWords("echo 'open").has_value());
  EXPECT_FALSE(SplitShellWords("echo \"open").has_value());
  EXPECT_FALSE(SplitShellWords("echo \\").has_value());
}

}  // namespace
}  // namespace reconcile::fuzz
