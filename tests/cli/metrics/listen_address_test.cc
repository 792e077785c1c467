// This test verifies that --listen accepts HOST:PORT forms an operator would
// write and refuses anything else with a message naming the input.
#include "cli/metrics/listen_address.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::cli {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(ListenAddressTest, AcceptsHostsAddressesAndPorts) {
  absl::StatusOr<ListenAddress> v4 = ParseListenAddress("127.0.0.1:9464");
  ASSERT_THAT(v4.status(), IsOk());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9464);
  absl::StatusOr<ListenAddress> v6 = ParseListenAddress("[::1]:0");
  ASSERT_THAT(v6.status(), IsOk());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  absl::StatusOr<ListenAddress> name = ParseListenAddress("localhost:65535");
  ASSERT_THAT(name.status(), IsOk());
  EXPECT_EQ(name->host, "localhost");
  EXPECT_EQ(name->port, 65535);
}

TEST(ListenAddressTest, RefusesGarbageNamingTheInput) {
  EXPECT_THAT(ParseListenAddress("9464").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--listen '9464'"), HasSubstr("no port"))));
  for (const char* bad : {"127.0.0.1:", "127.0.0.1:http", "127.0.0.1:65536", "127.0.0.1:-1",
                          "127.0.0.1:12ab", "127.0.0.1: 80", "127.0.0.1:999999"}) {
    EXPECT_THAT(ParseListenAddress(bad).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("number from 0 to 65535")))
        << bad;
  }
  EXPECT_THAT(ParseListenAddress(":9464").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a host name")));
  EXPECT_THAT(ParseListenAddress("ho st:9464").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a host name")));
  EXPECT_THAT(ParseListenAddress("::1:9464").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("need brackets")));
  EXPECT_THAT(ParseListenAddress("[zz]:9464").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("IPv6")));
  EXPECT_THAT(ParseListenAddress("a\nb:1").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'a\\nb:1'")));
}

}  // namespace
}  // namespace reconcile::cli
