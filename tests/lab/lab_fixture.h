// Suite fixture for end-to-end tests (the libvirt driver's and the reconciler's) on a real libvirtd (QEMU, TCG) in the
// network namespace rcl-lab, started by tests/lab/start-lab.sh once per suite.
// Leftovers of an earlier, crashed run are torn down first; TearDownTestSuite
// tears everything down even when a test failed. Without root or QEMU the
// suite is skipped with the reason, except under CI=true where it fails.
#pragma once

#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "tests/lab/command_runner.h"
#include "tests/testing/ci.h"

namespace reconcile::testing {

class LabFixture : public ::testing::Test {
 public:
  static constexpr const char* kLabDir = "/tmp/reconcile-lab-test";
  static constexpr const char* kNamespace = "rcl-lab";

  static std::string StateDir() { return std::string(kLabDir) + "/state"; }

  // Runs tests/lab/<script> with the lab's environment; returns its output.
  static CommandResult Lab(const std::string& script) {
    return RunCommand(
        std::string("LAB_DIR=") + kLabDir + " NS=" + kNamespace + " tests/lab/" + script +
        " 2>&1");
  }

  static void SetUpTestSuite() {
    skip_reason_ = MissingPrerequisite();
    if (!skip_reason_.empty()) return;
    Lab("teardown.sh");  // a crashed earlier run
    auto image = Lab("build-initramfs.sh");
    if (image.exit_code != 0) {
      setup_error_ = "build-initramfs.sh failed:\n" + image.output;
      return;
    }
    image_dir_ = LastLine(image.output);
    auto lab = Lab("start-lab.sh");
    if (lab.exit_code != 0) {
      setup_error_ = "start-lab.sh failed:\n" + lab.output;
      return;
    }
    uri_ = LastLine(lab.output);
  }

  static void TearDownTestSuite() {
    if (skip_reason_.empty()) Lab("teardown.sh");
  }

 protected:
  void SetUp() override {
    if (!skip_reason_.empty()) {
      if (InCi()) FAIL() << "CI=true but " << skip_reason_;
      GTEST_SKIP() << skip_reason_;
    }
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  static std::string LastLine(std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
  }

  static std::string MissingPrerequisite() {
    if (geteuid() != 0) return "needs root (network namespaces, libvirtd)";
    for (const char* tool : {"/usr/sbin/libvirtd", "/usr/bin/qemu-system-x86_64",
                             "/usr/bin/qemu-img", "/usr/sbin/dropbear", "/bin/busybox"}) {
      if (access(tool, X_OK) != 0) return std::string("missing ") + tool;
    }
    if (RunCommand("ls /boot/vmlinuz-* >/dev/null 2>&1").exit_code != 0) {
      return "no guest kernel (/boot/vmlinuz-*; install linux-image-amd64)";
    }
    return "";
  }

  static inline std::string skip_reason_;
  static inline std::string setup_error_;
  static inline std::string image_dir_;  // vmlinux, initramfs.cpio.gz
  static inline std::string uri_;
};

}  // namespace reconcile::testing
