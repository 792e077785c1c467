// This test verifies that known_hosts text is matched like OpenSSH does:
// plain, wildcard, negated and [host]:port entries, entries hashed by
// `ssh-keygen -H`, @revoked keys, and that the verdict distinguishes a
// recorded key, a different recorded key and an unlisted host.
#include "drivers/ssh/known_hosts.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::drivers::ssh {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kKeyA[] =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGfI495hP0OjxvH76CCFcIbRBcf0CwwueYgISxwAQB9P";
constexpr char kKeyB[] =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHm8SHCC/PSz6t/qFJJWvAqITOO2xpBhnWDhZGYiY7ft";

HostKey Key(const char* line) { return *ParseOpenSshPublicKey(line); }

TEST(KnownHosts, PlainWildcardNegatedAndPortEntries) {
  const std::string text = std::string("# comment\n\n") +
                           "web1,10.0.0.5 " + kKeyA + " c\n" +
                           "[10.0.0.5]:2222 " + kKeyB + "\n" +
                           "*.lab,!bad.lab " + kKeyB + "\n" +
                           "@cert-authority *.lab " + kKeyA + "\n" +
                           "garbage line\n";
  EXPECT_THAT(FindKnownHostKeys(text, "10.0.0.5", 22).keys, SizeIs(1));
  EXPECT_THAT(FindKnownHostKeys(text, "web1", 22).keys, ElementsAre(Key(kKeyA)));
  EXPECT_THAT(FindKnownHostKeys(text, "10.0.0.5", 2222).keys, ElementsAre(Key(kKeyB)));
  EXPECT_THAT(FindKnownHostKeys(text, "n7.lab", 22).keys, ElementsAre(Key(kKeyB)));
  EXPECT_THAT(FindKnownHostKeys(text, "bad.lab", 22).keys, SizeIs(0));
  EXPECT_THAT(FindKnownHostKeys(text, "10.0.0.6", 22).keys, SizeIs(0));
  EXPECT_THAT(FindKnownHostKeys(text, "10.0.0.50", 22).keys, SizeIs(0));
}

TEST(KnownHosts, HashedEntriesWrittenBySshKeygen) {
  // `ssh-keygen -H` output for "10.1.2.3" and "[10.1.2.3]:2222" with kKeyA.
  const std::string text = std::string("|1|zeNfOuaIVfj28hEE0w22zYxLXJk=|ZvzwTyPixC/0DTjPPMgfFW6AVgI= ") +
                           kKeyA + "\n|1|kMBN1074jQmm0DUXfRighvXfrBM=|ZbC4UZuL63FpGKBa+/vPno3scOo= " +
                           kKeyA + "\n";
  EXPECT_THAT(FindKnownHostKeys(text, "10.1.2.3", 22).keys, SizeIs(1));
  EXPECT_THAT(FindKnownHostKeys(text, "10.1.2.3", 2222).keys, SizeIs(1));
  EXPECT_THAT(FindKnownHostKeys(text, "10.1.2.4", 22).keys, SizeIs(0));
}

TEST(KnownHosts, Verdicts) {
  std::string recorded;
  KnownHostKeys found{.keys = {Key(kKeyA)}};
  EXPECT_EQ(CheckKnownHosts(found, Key(kKeyA), &recorded), KnownHostsVerdict::kMatch);
  EXPECT_EQ(CheckKnownHosts(found, Key(kKeyB), &recorded), KnownHostsVerdict::kChanged);
  EXPECT_THAT(recorded, HasSubstr(Key(kKeyA).fingerprint));
  EXPECT_EQ(CheckKnownHosts({}, Key(kKeyB), &recorded), KnownHostsVerdict::kNotFound);
  KnownHostKeys revoked{.keys = {Key(kKeyA)}, .revoked = {Key(kKeyA)}};
  EXPECT_EQ(CheckKnownHosts(revoked, Key(kKeyA), &recorded), KnownHostsVerdict::kChanged);
  EXPECT_THAT(recorded, HasSubstr("revoked"));
}

}  // namespace
}  // namespace reconcile::drivers::ssh
