// This test verifies the host key policy: OpenSSH key lines parse to a type,
// blob and SHA256 fingerprint; expected keys are authoritative; a known_hosts
// mismatch or an unexpected key is refused naming the node and both
// fingerprints; an unknown key is refused unless trust-on-first-use is on.
#include "drivers/ssh/host_key_policy.h"

#include <libssh/libssh.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::ssh {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::IsOkAndHolds;
using ::reconcile::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const Peer kPeer{"db-2", "10.1.2.3:22"};

// A fresh ed25519 public key as an OpenSSH line (libssh generates it in memory).
std::string NewKeyLine(const char* comment = "host") {
  ssh_key key = nullptr;
  EXPECT_EQ(ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key), SSH_OK);
  char* b64 = nullptr;
  EXPECT_EQ(ssh_pki_export_pubkey_base64(key, &b64), SSH_OK);
  std::string line = std::string("ssh-ed25519 ") + b64 + " " + comment;
  ssh_string_free_char(b64);
  ssh_key_free(key);
  return line;
}

HostKey Parse(const std::string& line) {
  absl::StatusOr<HostKey> k = ParseOpenSshPublicKey(line);
  EXPECT_THAT(k, IsOk());
  return k.ok() ? *k : HostKey{};
}

TEST(HostKeyPolicy, ParsesOpenSshLinesAndFingerprints) {
  std::string line = NewKeyLine("root@node");
  HostKey a = Parse(line);
  EXPECT_EQ(a.type, "ssh-ed25519");
  EXPECT_THAT(a.fingerprint, StartsWith("SHA256:"));
  EXPECT_EQ(a.fingerprint.size(), 7u + 43u);  // unpadded base64 of 32 bytes
  // Whitespace and comment do not matter; the blob does.
  EXPECT_EQ(Parse("  " + line.substr(0, line.rfind(' ')) + "\t\n"), a);
  EXPECT_FALSE(Parse(NewKeyLine()) == a);
}

TEST(HostKeyPolicy, RejectsMalformedLines) {
  EXPECT_THAT(ParseOpenSshPublicKey(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseOpenSshPublicKey("ssh-ed25519"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseOpenSshPublicKey("ssh-foo AAAA"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ssh-foo")));
  EXPECT_THAT(ParseOpenSshPublicKey("ssh-ed25519 !!notbase64!!"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(HostKeyPolicy, AlgorithmsFollowExpectedKeyTypes) {
  HostKey ed{"ssh-ed25519", "x", ""}, rsa{"ssh-rsa", "y", ""};
  EXPECT_EQ(HostKeyAlgorithmsFor({ed}), "ssh-ed25519");
  EXPECT_EQ(HostKeyAlgorithmsFor({ed, rsa, ed}), "ssh-ed25519,rsa-sha2-512,rsa-sha2-256,ssh-rsa");
}

TEST(HostKeyPolicy, ExpectedKeyMatches) {
  HostKey presented = Parse(NewKeyLine());
  HostKeyEvidence e{.presented = presented, .expected = {Parse(NewKeyLine()), presented}};
  EXPECT_THAT(DecideHostKey(kPeer, e), IsOkAndHolds(HostKeyTrust::kVerified));
}

TEST(HostKeyPolicy, UnexpectedKeyIsRefusedWithBothFingerprintsEvenWithTofu) {
  HostKey presented = Parse(NewKeyLine()), wanted = Parse(NewKeyLine());
  HostKeyEvidence e{.presented = presented, .expected = {wanted}, .accept_unknown = true};
  EXPECT_THAT(DecideHostKey(kPeer, e),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("MISMATCH"), HasSubstr("db-2"), HasSubstr("10.1.2.3:22"),
                             HasSubstr(presented.fingerprint), HasSubstr(wanted.fingerprint))));
}

TEST(HostKeyPolicy, KnownHostsVerdicts) {
  HostKey presented = Parse(NewKeyLine());
  HostKeyEvidence e{.presented = presented, .known_hosts_file = "/etc/kh"};
  e.known_hosts = KnownHostsVerdict::kMatch;
  EXPECT_THAT(DecideHostKey(kPeer, e), IsOkAndHolds(HostKeyTrust::kVerified));

  e.known_hosts = KnownHostsVerdict::kChanged;
  e.known_hosts_fingerprint = "ssh-ed25519 SHA256:recorded";
  e.accept_unknown = true;  // never overrides a recorded, different key
  EXPECT_THAT(DecideHostKey(kPeer, e),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("db-2"), HasSubstr("/etc/kh"),
                             HasSubstr("SHA256:recorded"), HasSubstr(presented.fingerprint))));

  e.known_hosts = KnownHostsVerdict::kNotFound;
  e.accept_unknown = false;
  EXPECT_THAT(DecideHostKey(kPeer, e),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("unknown host key"), HasSubstr("not in /etc/kh"),
                             HasSubstr(presented.fingerprint))));
}

TEST(HostKeyPolicy, UnknownKeyNeedsExplicitOptIn) {
  HostKeyEvidence e{.presented = Parse(NewKeyLine())};
  EXPECT_THAT(DecideHostKey(kPeer, e),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("accept_unknown_host_keys"), HasSubstr("db-2"))));
  e.accept_unknown = true;
  EXPECT_THAT(DecideHostKey(kPeer, e), IsOkAndHolds(HostKeyTrust::kAcceptedUnverified));
}

}  // namespace
}  // namespace reconcile::drivers::ssh
