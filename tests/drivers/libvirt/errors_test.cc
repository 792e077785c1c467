#include "drivers/libvirt/errors.h"

#include <libvirt/libvirt.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::libvirt {
namespace {

using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

// This test verifies that the code mapping carries retry meaning: daemon and
// RPC trouble is retryable, bad input and wrong state are terminal.
TEST(ErrorsTest, MapsLibvirtCodesToRetryMeaning) {
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_NO_CONNECT), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_SYSTEM_ERROR), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_RPC), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_NO_DOMAIN), absl::StatusCode::kNotFound);
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_NO_STORAGE_VOL), absl::StatusCode::kNotFound);
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_INVALID_ARG), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_XML_ERROR), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_OPERATION_INVALID),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_DOM_EXIST), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_AUTH_FAILED), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_INTERNAL_ERROR), absl::StatusCode::kInternal);
  // The RPC layer giving up on a connection (keepalive timeout, socket
  // closed) is the transport failing: retry, reconnect.
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_INTERNAL_ERROR, VIR_FROM_RPC),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForLibvirtError(VIR_ERR_INTERNAL_ERROR, VIR_FROM_QEMU),
            absl::StatusCode::kInternal);
}

// This test verifies that libvirt's error for a connection its keepalive
// closed becomes kUnavailable with libvirt's words.
TEST(ErrorsTest, KeepaliveTimeoutIsUnavailable) {
  virError error{};
  error.code = VIR_ERR_INTERNAL_ERROR;
  error.domain = VIR_FROM_RPC;
  error.message = const_cast<char*>("internal error: connection closed due to keepalive timeout");
  EXPECT_THAT(StatusFromLibvirtError(&error, "list domains"),
              StatusIs(absl::StatusCode::kUnavailable,
                       "list domains: internal error: connection closed due to keepalive timeout"));
}

// This test verifies that the Status carries the context and libvirt's own
// message, and that a missing error is not reported as success.
TEST(ErrorsTest, StatusCarriesContextAndMessage) {
  virError error{};
  error.code = VIR_ERR_NO_DOMAIN;
  error.message = const_cast<char*>("Domain not found: no domain with matching name 'x'");
  EXPECT_THAT(StatusFromLibvirtError(&error, "domain x"),
              StatusIs(absl::StatusCode::kNotFound,
                       "domain x: Domain not found: no domain with matching name 'x'"));
  EXPECT_THAT(StatusFromLibvirtError(nullptr, "start y"),
              StatusIs(absl::StatusCode::kUnknown, HasSubstr("start y")));
}

// This test verifies that the mapping holds on a real libvirt call: looking up
// a missing domain on the test driver gives kNotFound with libvirt's message,
// and nothing is printed by libvirt itself (the callback is installed).
TEST(ErrorsTest, RealLibvirtErrorBecomesStatus) {
  SilenceLibvirtErrorPrinting();
  virConnectPtr conn = virConnectOpen("test:///default");
  ASSERT_NE(conn, nullptr);
  ::testing::internal::CaptureStderr();
  virDomainPtr dom = virDomainLookupByName(conn, "no-such-domain");
  absl::Status status = LastLibvirtError("domain no-such-domain");
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(dom, nullptr);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound, HasSubstr("no-such-domain")));
  EXPECT_EQ(printed, "");
  virConnectClose(conn);
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
