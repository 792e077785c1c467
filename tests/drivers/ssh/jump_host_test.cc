// This test verifies that jump host specifications parse like OpenSSH's
// ProxyJump ([user@]host[:port], IPv6 in brackets) and that malformed ones are
// rejected with the specification in the message.
#include "drivers/ssh/jump_tunnel.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::ssh {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

TEST(JumpHost, ParsesUserHostAndPort) {
  absl::StatusOr<JumpHost> j = ParseJumpHost("ops@bastion.lab:2222", "root");
  ASSERT_THAT(j, IsOk());
  EXPECT_EQ(j->user, "ops");
  EXPECT_EQ(j->host, "bastion.lab");
  EXPECT_EQ(j->port, 2222);

  j = ParseJumpHost("10.0.0.1", "root");
  ASSERT_THAT(j, IsOk());
  EXPECT_EQ(j->user, "root");
  EXPECT_EQ(j->host, "10.0.0.1");
  EXPECT_EQ(j->port, 22);

  j = ParseJumpHost("[fd00::1]:2200", "admin");
  ASSERT_THAT(j, IsOk());
  EXPECT_EQ(j->user, "admin");
  EXPECT_EQ(j->host, "fd00::1");
  EXPECT_EQ(j->port, 2200);
}

TEST(JumpHost, RejectsMalformedSpecs) {
  for (const char* bad : {"", "user@", "host:", "host:0", "host:99999", "host:ssh", "[fd00::1",
                          "@host"}) {
    EXPECT_THAT(ParseJumpHost(bad, "root"),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("jump_host")))
        << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace reconcile::drivers::ssh
