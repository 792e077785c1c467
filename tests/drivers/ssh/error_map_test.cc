// This test verifies that socket errors map to codes with the right retry
// meaning and that every message names the node and the address dialled.
#include "drivers/ssh/error_map.h"

#include <cerrno>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::ssh {
namespace {

using ::reconcile::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

const Peer kPeer{"web-1", "10.0.0.5:22"};

TEST(ErrorMap, TransientNetworkErrorsAreUnavailable) {
  for (int err : {ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, EPIPE}) {
    EXPECT_EQ(CodeForSocketErrno(err), absl::StatusCode::kUnavailable) << err;
  }
  EXPECT_EQ(CodeForSocketErrno(EACCES), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeForSocketErrno(ENOENT), absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeForSocketErrno(EAFNOSUPPORT), absl::StatusCode::kInvalidArgument);
}

TEST(ErrorMap, MessagesNameNodeAddressAndCause) {
  EXPECT_THAT(SocketError(kPeer, "connect", ECONNREFUSED),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("node web-1 (10.0.0.5:22)"), HasSubstr("refused"))));
  EXPECT_THAT(TransportError(kPeer, "ssh handshake", "kex failed"),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("ssh handshake"), HasSubstr("web-1"), HasSubstr("kex"))));
  EXPECT_THAT(AuthError(kPeer, "root", "denied"),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       AllOf(HasSubstr("10.0.0.5:22"), HasSubstr("'root'"))));
  EXPECT_THAT(DeadlineError(kPeer, "command 'sleep 9'", absl::Seconds(2)),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       AllOf(HasSubstr("sleep 9"), HasSubstr("web-1"), HasSubstr("2s"))));
}

}  // namespace
}  // namespace reconcile::drivers::ssh
