#include "drivers/libvirt/libvirt_hypervisor.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::libvirt {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

// This test verifies that bad options are refused before connecting.
TEST(FactoryTest, RejectsBadOptions) {
  EXPECT_THAT(MakeLibvirtHypervisor({.cluster = "", .uris = {"test:///default"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cluster")));
  EXPECT_THAT(MakeLibvirtHypervisor({.cluster = "lab", .uris = {}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("one URI")));
}

// This test verifies that a daemon that is not there is a retryable error
// naming the URI, reported at construction, and that nothing is printed.
TEST(FactoryTest, UnreachableDaemonIsUnavailable) {
  const std::string uri = "qemu:///system?socket=/nonexistent/reconcile-test/libvirt-sock";
  ::testing::internal::CaptureStderr();
  auto made = MakeLibvirtHypervisor({.cluster = "lab", .uris = {uri}});
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_THAT(made, StatusIs(absl::StatusCode::kUnavailable, HasSubstr(uri)));
}

// This test verifies that the test driver works through the factory.
TEST(FactoryTest, OpensTheTestDriver) {
  auto made = MakeLibvirtHypervisor({.cluster = "lab", .uris = {"test:///default"}});
  ASSERT_THAT(made, IsOk());
  EXPECT_THAT((*made)->ListDomains(), IsOk());
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
