// Which domain type and CPU a node gets from the host's offer and the spec.
#include "drivers/libvirt/guest_platform.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::libvirt {
namespace {

using ::reconcile::testing::IsOkAndHolds;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

// This test verifies that `auto` takes kvm with the host's CPU where kvm is
// offered, and TCG with the qemu64 model where it is not.
TEST(GuestPlatformTest, AutoFollowsTheOffer) {
  EXPECT_THAT(ResolveGuestPlatform("kvm", "auto", "auto"),
              IsOkAndHolds(GuestPlatform{"kvm", "host-passthrough", ""}));
  EXPECT_THAT(ResolveGuestPlatform("qemu", "auto", "auto"),
              IsOkAndHolds(GuestPlatform{"qemu", "custom", "qemu64"}));
}

// This test verifies that `qemu` forces TCG even where kvm is offered (a host
// whose /dev/kvm exists but kills every guest), with a named model.
TEST(GuestPlatformTest, QemuForcesTcgWhereKvmIsOffered) {
  EXPECT_THAT(ResolveGuestPlatform("kvm", "qemu", "auto"),
              IsOkAndHolds(GuestPlatform{"qemu", "custom", "qemu64"}));
  EXPECT_THAT(ResolveGuestPlatform("kvm", "qemu", "Skylake-Server"),
              IsOkAndHolds(GuestPlatform{"qemu", "custom", "Skylake-Server"}));
}

// This test verifies that asking for what the host cannot give is refused
// with a reason: kvm where it is not offered, host-passthrough under TCG.
TEST(GuestPlatformTest, ImpossibleRequestsAreRefused) {
  EXPECT_THAT(ResolveGuestPlatform("qemu", "kvm", "auto"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("does not offer KVM")));
  EXPECT_THAT(ResolveGuestPlatform("kvm", "qemu", "host-passthrough"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("needs domain_type kvm")));
  EXPECT_THAT(ResolveGuestPlatform("kvm", "kvm", "host-model"),
              IsOkAndHolds(GuestPlatform{"kvm", "host-model", ""}));
}

// This test verifies that the test driver gets no CPU element whatever is asked.
TEST(GuestPlatformTest, TestDriverEmulatesNoCpu) {
  EXPECT_THAT(ResolveGuestPlatform("test", "kvm", "host-passthrough"),
              IsOkAndHolds(GuestPlatform{"test", "", ""}));
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
