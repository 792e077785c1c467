// Redaction of secret values from everything reconcile writes.
#include "reconciler/redact.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// This test verifies that a secret is replaced wherever it appears, longest
// first, so a secret containing another is not half revealed.
TEST(RedactTest, ReplacesEveryOccurrenceLongestFirst) {
  EXPECT_EQ(Redact("join tok-1 then tok-12", {"tok-1", "tok-12"}),
            "join <secret> then <secret>");
}

// This test verifies that a secret containing a quote is redacted in its
// shell-quoted form too, as it appears in a rendered command: before, the
// raw value never matched and the command reached the log whole.
TEST(RedactTest, ShellQuotedFormOfASecretIsRedacted) {
  const std::string secret = "it's a s3cret";
  const std::string command = "kubeadm join --token 'it'\\''s a s3cret' 10.0.0.1:6443";
  const std::string out = Redact(command, {secret});
  EXPECT_THAT(out, Not(HasSubstr("s3cret")));
  EXPECT_THAT(out, HasSubstr("kubeadm join --token <secret> 10.0.0.1:6443"));
}

}  // namespace
}  // namespace reconcile
