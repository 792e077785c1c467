#include "drivers/libvirt/address_discovery.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/simulated_clock.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::libvirt {
namespace {

using ::reconcile::testing::IsOkAndHolds;
using ::reconcile::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using Answers = std::vector<absl::StatusOr<std::vector<std::string>>>;

// This test verifies that the lease is asked first and wins when it has an
// address, without asking the agent or ARP.
TEST(AddressDiscoveryTest, LeaseFirst) {
  ::reconcile::testing::SimulatedClock clock;
  std::vector<AddressSource> asked;
  auto query = [&](AddressSource s) -> absl::StatusOr<std::vector<std::string>> {
    asked.push_back(s);
    return std::vector<std::string>{"10.0.0.5"};
  };
  EXPECT_THAT(PollForAddress("n1", query, clock, absl::Seconds(5)), IsOkAndHolds("10.0.0.5"));
  EXPECT_THAT(asked, ElementsAre(AddressSource::kLease));
}

// This test verifies that discovery falls through: lease empty, agent failing,
// ARP answers.
TEST(AddressDiscoveryTest, FallsThroughToArp) {
  ::reconcile::testing::SimulatedClock clock;
  std::vector<AddressSource> asked;
  auto query = [&](AddressSource s) -> absl::StatusOr<std::vector<std::string>> {
    asked.push_back(s);
    if (s == AddressSource::kLease) return std::vector<std::string>{};
    if (s == AddressSource::kAgent) return absl::UnavailableError("agent not connected");
    return std::vector<std::string>{"10.0.0.9"};
  };
  EXPECT_THAT(PollForAddress("n1", query, clock, absl::Seconds(5)), IsOkAndHolds("10.0.0.9"));
  EXPECT_THAT(asked, ElementsAre(AddressSource::kLease, AddressSource::kAgent,
                                 AddressSource::kArp));
}

// This test verifies that a lease appearing on the third round is found,
// after sleeping on the injected clock.
TEST(AddressDiscoveryTest, PollsUntilTheLeaseAppears) {
  ::reconcile::testing::SimulatedClock clock;
  int rounds = 0;
  auto query = [&](AddressSource s) -> absl::StatusOr<std::vector<std::string>> {
    if (s == AddressSource::kLease && ++rounds == 3) return std::vector<std::string>{"10.0.0.7"};
    return std::vector<std::string>{};
  };
  EXPECT_THAT(PollForAddress("n1", query, clock, absl::Seconds(5), absl::Seconds(1)),
              IsOkAndHolds("10.0.0.7"));
  EXPECT_EQ(static_cast<int>(clock.sleeps().size()), 2);
}

// This test verifies that the deadline error names every source and its last
// answer.
TEST(AddressDiscoveryTest, DeadlineNamesWhatWasTried) {
  ::reconcile::testing::SimulatedClock clock;
  auto query = [&](AddressSource s) -> absl::StatusOr<std::vector<std::string>> {
    if (s == AddressSource::kArp) return absl::InternalError("wrong nlmsg len");
    if (s == AddressSource::kAgent) return absl::UnavailableError("agent is not connected");
    return std::vector<std::string>{};
  };
  EXPECT_THAT(PollForAddress("lab-w-1", query, clock, absl::Seconds(3), absl::Seconds(1)),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       AllOf(HasSubstr("lab-w-1"), HasSubstr("lease: no IPv4 address yet"),
                             HasSubstr("agent: agent is not connected"),
                             HasSubstr("arp: wrong nlmsg len"))));
  EXPECT_LE(static_cast<int>(clock.sleeps().size()), 3);
}

// This test verifies that a domain that disappeared ends the wait at once.
TEST(AddressDiscoveryTest, MissingDomainStopsImmediately) {
  ::reconcile::testing::SimulatedClock clock;
  auto query = [&](AddressSource) -> absl::StatusOr<std::vector<std::string>> {
    return absl::NotFoundError("domain gone");
  };
  EXPECT_THAT(PollForAddress("n1", query, clock, absl::Seconds(30)),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(static_cast<int>(clock.sleeps().size()), 0);
}

// This test verifies that a guest that is no longer running (it died while
// booting) ends the wait at once with the driver's explanation, instead of
// polling until the deadline.
TEST(AddressDiscoveryTest, DeadDomainStopsImmediately) {
  ::reconcile::testing::SimulatedClock clock;
  int asked = 0;
  auto query = [&](AddressSource) -> absl::StatusOr<std::vector<std::string>> {
    if (++asked < 3) return std::vector<std::string>{};
    return absl::FailedPreconditionError("domain n1 is shut off before it got an address");
  };
  EXPECT_THAT(PollForAddress("n1", query, clock, absl::Seconds(180)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("shut off")));
  EXPECT_EQ(static_cast<int>(clock.sleeps().size()), 0);
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
