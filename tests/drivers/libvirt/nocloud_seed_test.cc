// The seed's text, and the seed as the lab guest reads it: the ISO is read
// back with isoinfo and applied by tests/lab/nocloud-apply.sh (the script the
// guest's init runs), then checked with OpenSSH's and dropbear's own tools.
#include "drivers/libvirt/nocloud_seed.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/command_runner.h"
#include "tests/testing/ci.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::libvirt {
namespace {

using ::reconcile::testing::InCi;
using ::reconcile::testing::IsOk;
using ::reconcile::testing::RunCommand;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

SeedIdentity Identity() {
  absl::StatusOr<HostKey> key = GenerateHostKey();
  EXPECT_THAT(key, IsOk());
  return SeedIdentity{"lab-w-1-abc", "lab-w-1",
                      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperatorKey op \"laptop\"", *key};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// This test verifies that the cloud-config carries identity only: hostname, the
// quoted authorized key, the host key pair, and nothing else.
TEST(NoCloudSeedTest, UserDataCarriesIdentityOnly) {
  SeedIdentity id = Identity();
  const std::string user_data = RenderUserData(id);
  EXPECT_THAT(user_data, StartsWith("#cloud-config\n"));
  EXPECT_THAT(user_data, HasSubstr("hostname: lab-w-1\n"));
  EXPECT_THAT(user_data, HasSubstr("  - \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperatorKey op "
                                   "\\\"laptop\\\"\"\n"));
  EXPECT_THAT(user_data, HasSubstr("  ed25519_private: |\n    -----BEGIN OPENSSH PRIVATE KEY"));
  EXPECT_THAT(user_data, HasSubstr("  ed25519_public: \"" + id.host_key.public_line + "\"\n"));
  EXPECT_EQ(RenderMetaData(id), "instance-id: lab-w-1-abc\nlocal-hostname: lab-w-1\n");
}

// This test verifies that input which could break out of the YAML is refused.
TEST(NoCloudSeedTest, RejectsUnsafeInput) {
  SeedIdentity id = Identity();
  id.authorized_key = "ssh-ed25519 AAAA\nruncmd: [reboot]";
  EXPECT_THAT(BuildNoCloudSeed(id),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("authorized key")));
  id = Identity();
  id.hostname = "Bad_Host";
  EXPECT_THAT(BuildNoCloudSeed(id),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Bad_Host")));
}

// This test verifies that the whole path a guest takes works: ISO labelled cidata, files
// extracted, identity applied by the lab script, and the installed host key is
// the pair recorded for the node (OpenSSH and dropbear both derive the same
// public key).
TEST(NoCloudSeedTest, GuestScriptInstallsTheSeededIdentity) {
  for (const char* tool : {"isoinfo", "ssh-keygen", "dropbearconvert", "dropbearkey"}) {
    if (RunCommand(std::string("command -v ") + tool + " >/dev/null").exit_code != 0) {
      if (InCi()) FAIL() << tool << " is required under CI";
      GTEST_SKIP() << tool << " not installed";
    }
  }
  SeedIdentity id = Identity();
  absl::StatusOr<std::string> iso = BuildNoCloudSeed(id);
  ASSERT_THAT(iso, IsOk());
  char dir_template[] = "/tmp/reconcile-seed-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  std::ofstream(dir + "/seed.iso", std::ios::binary) << *iso;
  RunCommand("mkdir -p " + dir + "/seed " + dir + "/root");
  EXPECT_THAT(RunCommand("isoinfo -d -i " + dir + "/seed.iso").output,
              HasSubstr("Volume id: cidata"));
  for (const char* file : {"meta-data", "user-data"}) {
    RunCommand("isoinfo -J -x /" + std::string(file) + " -i " + dir + "/seed.iso > " + dir +
               "/seed/" + file);
  }
  auto applied = RunCommand("sh tests/lab/nocloud-apply.sh " + dir + "/seed " + dir +
                            "/root 2>&1");
  EXPECT_EQ(applied.exit_code, 0) << applied.output;
  EXPECT_EQ(ReadFile(dir + "/root/etc/hostname"), "lab-w-1\n");
  EXPECT_EQ(ReadFile(dir + "/root/root/.ssh/authorized_keys"), id.authorized_key + "\n");
  auto openssh = RunCommand("ssh-keygen -y -f " + dir + "/root/etc/ssh/ssh_host_ed25519_key");
  EXPECT_THAT(openssh.output, StartsWith(id.host_key.public_line));
  auto dropbear = RunCommand("dropbearkey -y -f " + dir +
                             "/root/etc/dropbear/dropbear_ed25519_host_key 2>&1");
  EXPECT_THAT(dropbear.output, HasSubstr(id.host_key.public_line));
  RunCommand("rm -rf " + dir);
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
