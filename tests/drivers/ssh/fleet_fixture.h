// A real sshd fleet for the SSH driver's integration tests.
//
// The suite starts kNodes sshd "hosts" (one network namespace each, see
// tests/lab/fleet.sh) once in SetUpTestSuite, after removing whatever a crashed
// earlier run left, and removes them all in TearDownTestSuite. Names (prefix
// "rcft-", bridge "rcftbr0", 10.215/16, its own FLEET_DIR) differ from the
// benchmark's fleet so the two never collide.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "drivers/node_shell.h"
#include "gtest/gtest.h"
#include "tests/testing/ci.h"

namespace reconcile::drivers::ssh {

class FleetTest : public ::testing::Test {
 protected:
  static constexpr int kNodes = 50;
  static constexpr const char* kFleetDir = "/tmp/reconcile-ssh-test-fleet";

  static void SetUpTestSuite() {
    skip_reason_.clear();
    setup_error_.clear();
    if (::geteuid() != 0) {
      skip_reason_ = "the sshd fleet needs root (network namespaces, sshd)";
      if (::reconcile::testing::InCi()) {
        FAIL() << skip_reason_ << " and CI=true";
      }
      return;
    }
    ::setenv("FLEET_DIR", kFleetDir, 1);
    ::setenv("FLEET_PREFIX", "rcft-", 1);
    ::setenv("FLEET_NET", "10.215", 1);
    ::setenv("FLEET_BRIDGE", "rcftbr0", 1);
    if (Fleet("down --purge") != 0) {
      setup_error_ = "could not clean up a previous fleet";
    } else if (Fleet("up " + std::to_string(kNodes)) != 0) {
      setup_error_ = "could not start the fleet (tests/lab/fleet.sh up)";
    }
  }

  static void TearDownTestSuite() {
    if (skip_reason_.empty()) {
      EXPECT_EQ(Fleet("down --purge"), 0);
    }
  }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  // Runs tests/lab/fleet.sh with `args`; returns its exit status.
  static int Fleet(const std::string& args) {
    int rc = std::system(("tests/lab/fleet.sh " + args + " >/dev/null 2>&1").c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

  static std::string Name(int k) { return "rcft-" + std::to_string(k); }
  static std::string Address(int k) {
    int i = k - 1;
    return "10.215." + std::to_string(i / 250 + 1) + "." + std::to_string(i % 250 + 1);
  }
  static std::string HostKeyLine(int k) {
    std::ifstream in(std::string(kFleetDir) + "/keys/hostkeys/" + Name(k) + ".pub");
    std::string line;
    std::getline(in, line);
    return line;
  }
  static std::string ClientKey() { return std::string(kFleetDir) + "/keys/id_ed25519"; }

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
