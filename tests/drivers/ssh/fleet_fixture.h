// A real sshd fleet for the SSH driver's integration tests.
//
// The suite starts kNodes sshd "hosts" (one network namespace each, see
// tests/lab/fleet.sh, tests/testing/sshd_fleet.h) once in SetUpTestSuite,
// after removing whatever a crashed earlier run left, and removes them all in
// TearDownTestSuite. Names (prefix "rcft-", 10.215/16) differ from the
// benchmark's fleet and the other suites' so they never collide.
#pragma once

#include <string>

#include "drivers/node_shell.h"
#include "gtest/gtest.h"
#include "tests/testing/ci.h"
#include "tests/testing/sshd_fleet.h"

namespace reconcile::drivers::ssh {

class FleetTest : public ::testing::Test {
 protected:
  static constexpr int kNodes = 50;
  static inline const ::reconcile::testing::SshdFleet kFleet{"rcft", "10.215"};

  static void SetUpTestSuite() {
    skip_reason_ = ::reconcile::testing::SshdFleet::CannotRun();
    setup_error_.clear();
    if (!skip_reason_.empty()) {
      if (::reconcile::testing::InCi()) {
        FAIL() << skip_reason_ << " and CI=true";
      }
      return;
    }
    setup_error_ = kFleet.Up(kNodes);
  }

  static void TearDownTestSuite() {
    if (skip_reason_.empty()) {
      EXPECT_TRUE(kFleet.Down());
    }
  }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  static std::string Name(int k) { return kFleet.Name(k); }
  static std::string Address(int k) { return kFleet.Address(k); }
  static std::string HostKeyLine(int k) { return kFleet.HostKeyLine(k); }
  static std::string ClientKey() { return kFleet.ClientKey(); }
  static std::string FleetDir() { return kFleet.dir().string(); }
  // tests/lab/fleet.sh ARGS; its exit status.
  static int Fleet(const std::string& args) { return kFleet.Script(args); }

  // A strictly verified target for node k.
  static SshTarget Target(int k) {
    SshTarget t;
    t.node = Name(k);
    t.host = Address(k);
    t.identity_file = ClientKey();
    t.expected_host_keys = {HostKeyLine(k)};
    t.connect_timeout = absl::Seconds(5);
    return t;
  }

  static absl::Time In(absl::Duration d) { return absl::Now() + d; }

  static inline std::string skip_reason_;
  static inline std::string setup_error_;
};

}  // namespace reconcile::drivers::ssh
