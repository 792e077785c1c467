// This test verifies the OpenSSH command line of `reconcile ssh` and the
// lines of `reconcile known-hosts`: a created node is verified by its name
// against the recorded key only (no prompt, no global known_hosts, no key
// rewriting); an existing machine by address; the destination follows `--`
// so an address can never be read as an option.
#include "cli/openssh_command.h"

#include <algorithm>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::cli {
namespace {

using ::testing::ElementsAre;

bool HasPair(const std::vector<std::string>& argv, const std::string& flag, const std::string& value) {
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == flag && argv[i + 1] == value) return true;
  }
  return false;
}

TEST(OpenSshCommandTest, CreatedNodeIsVerifiedByItsRecordedKey) {
  drivers::SshTarget target;
  target.node = "lab-web-1";
  target.host = "10.0.0.7";
  target.port = 2222;
  target.user = "debian";
  target.identity_file = "/keys/id";
  target.expected_host_keys = {"ssh-ed25519 AAAA"};
  const auto argv = OpenSshArgv(target, "/tmp/kh", {"uname", "-a"});
  EXPECT_EQ(argv.front(), "ssh");
  EXPECT_TRUE(HasPair(argv, "-o", "StrictHostKeyChecking=yes"));
  EXPECT_TRUE(HasPair(argv, "-o", "UserKnownHostsFile=/tmp/kh"));
  EXPECT_TRUE(HasPair(argv, "-o", "GlobalKnownHostsFile=/dev/null"));
  EXPECT_TRUE(HasPair(argv, "-o", "HostKeyAlias=lab-web-1"));
  EXPECT_TRUE(HasPair(argv, "-p", "2222"));
  EXPECT_TRUE(HasPair(argv, "-l", "debian"));
  EXPECT_TRUE(HasPair(argv, "-i", "/keys/id"));
  const auto dashes = std::find(argv.begin(), argv.end(), "--");
  ASSERT_NE(dashes, argv.end());
  EXPECT_THAT(std::vector<std::string>(dashes + 1, argv.end()), ElementsAre("10.0.0.7", "uname", "-a"));
}

TEST(OpenSshCommandTest, ExistingMachineIsVerifiedByAddressAndNetnsWraps) {
  drivers::SshTarget target;
  target.node = "lab-box-1";
  target.host = "-oProxyCommand=evil";  // as hostile as an address can be
  target.netns = "rcl-lab";
  target.jump_host = "ops@bastion";
  const auto argv = OpenSshArgv(target, "/home/op/.ssh/known_hosts", {});
  EXPECT_THAT(std::vector<std::string>(argv.begin(), argv.begin() + 5),
              ElementsAre("ip", "netns", "exec", "rcl-lab", "ssh"));
  EXPECT_FALSE(std::any_of(argv.begin(), argv.end(),
                           [](const std::string& a) { return a.rfind("HostKeyAlias", 0) == 0; }));
  EXPECT_TRUE(HasPair(argv, "-J", "ops@bastion"));
  EXPECT_EQ(argv[argv.size() - 2], "--");
  EXPECT_EQ(argv.back(), "-oProxyCommand=evil");
}

TEST(OpenSshCommandTest, KnownHostsLinesNameTheNodeAndTheAddress) {
  EXPECT_THAT(KnownHostsLines("lab-web-1", "10.0.0.7", 22, "ssh-ed25519 AAAA"),
              ElementsAre("lab-web-1 ssh-ed25519 AAAA", "10.0.0.7 ssh-ed25519 AAAA"));
  EXPECT_THAT(KnownHostsLines("lab-web-1", "10.0.0.7", 2222, "ssh-ed25519 AAAA"),
              ElementsAre("lab-web-1 ssh-ed25519 AAAA", "[10.0.0.7]:2222 ssh-ed25519 AAAA"));
  EXPECT_THAT(KnownHostsLines("lab-web-1", "", 22, "ssh-ed25519 AAAA"),
              ElementsAre("lab-web-1 ssh-ed25519 AAAA"));
}

}  // namespace
}  // namespace reconcile::cli
