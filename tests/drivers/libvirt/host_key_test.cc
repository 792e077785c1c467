#include "drivers/host_key.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/command_runner.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::IsOkAndHolds;
using ::reconcile::testing::RunCommand;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// This test verifies that a generated key has the right shape and that two
// keys differ.
TEST(HostKeyTest, GeneratesDistinctEd25519Keys) {
  absl::StatusOr<HostKey> a = GenerateHostKey();
  absl::StatusOr<HostKey> b = GenerateHostKey();
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_THAT(a->private_openssh, StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
  EXPECT_THAT(a->public_line, StartsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"));
  EXPECT_THAT(a->fingerprint, StartsWith("SHA256:"));
  EXPECT_EQ(a->fingerprint.size(), 7u + 43u);
  EXPECT_NE(a->public_line, b->public_line);
  EXPECT_THAT(FingerprintOfPublicKey(a->public_line + " comment"),
              IsOkAndHolds(a->fingerprint));
}

// This test verifies that OpenSSH agrees with the pair: ssh-keygen derives the same
// public key from the private text and prints the same fingerprint.
TEST(HostKeyTest, OpenSshAgreesWithThePair) {
  if (RunCommand("command -v ssh-keygen >/dev/null").exit_code != 0) {
    GTEST_SKIP() << "ssh-keygen not installed";
  }
  absl::StatusOr<HostKey> key = GenerateHostKey();
  ASSERT_THAT(key, IsOk());
  char dir_template[] = "/tmp/reconcile-hostkey-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const std::string private_path = dir + "/key";
  std::ofstream(private_path) << key->private_openssh;
  chmod(private_path.c_str(), 0600);
  std::ofstream(dir + "/key.pub") << key->public_line << "\n";

  auto derived = RunCommand("ssh-keygen -y -f " + private_path + " 2>&1");
  auto fingerprint = RunCommand("ssh-keygen -l -f " + dir + "/key.pub 2>&1");
  RunCommand("rm -rf " + dir);
  EXPECT_EQ(derived.exit_code, 0) << derived.output;
  EXPECT_THAT(derived.output, StartsWith(key->public_line));
  EXPECT_THAT(fingerprint.output, HasSubstr(key->fingerprint));
}

// This test verifies that a malformed public key line is rejected.
TEST(HostKeyTest, RejectsMalformedPublicKeys) {
  EXPECT_THAT(FingerprintOfPublicKey(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(FingerprintOfPublicKey("ssh-ed25519"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(FingerprintOfPublicKey("ssh-ed25519 !!!notbase64"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not decode")));
}

}  // namespace
}  // namespace reconcile::drivers
