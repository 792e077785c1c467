// This test verifies several hypervisor hosts on two real libvirtd daemons,
// each in its own network namespace (tests/lab/start-lab.sh twice, with
// different LAB_DIR, NS and SUBNET): a 2-node group is placed one node per
// host and really defined and started there (QEMU, TCG, the lab's kernel), a
// re-plan is empty, stopping one daemon makes its node unknown (nothing
// created on the other host, nothing deleted) while the plan says so, and
// after that daemon is back the plan is empty again. Both labs are torn down
// even when a test fails. Run under the lab lock (RESOURCE_LOCK reconcile-lab).
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cluster_session.h"
#include "cli/host_connections.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconciler/reconciler.h"
#include "tests/lab/lab_fixture.h"
#include "tests/testing/fake_node_shell.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct Daemon {
  const char* dir;
  const char* ns;
  const char* subnet;
  std::string Env() const {
    return std::string("LAB_DIR=") + dir + " NS=" + ns + " SUBNET=" + subnet;
  }
  std::string Uri() const { return std::string("qemu:///system?socket=") + dir + "/state/run/libvirt-sock"; }
};

constexpr Daemon kLab1{"/tmp/reconcile-hosts-lab1", "rcl-hosts1", "10.81.0"};
constexpr Daemon kLab2{"/tmp/reconcile-hosts-lab2", "rcl-hosts2", "10.82.0"};

testing::CommandResult Script(const Daemon& lab, const std::string& script) {
  return testing::RunCommand(lab.Env() + " tests/lab/" + script + " 2>&1");
}

// Running domains on a lab's daemon, by virsh (not through our driver).
std::vector<std::string> Running(const Daemon& lab) {
  testing::CommandResult list =
      testing::RunCommand("virsh -q -c " + testing::ShellQuote(lab.Uri()) + " list --name");
  std::vector<std::string> names;
  std::istringstream lines(list.output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) names.push_back(line);
  }
  std::sort(names.begin(), names.end());
  return names;
}

class TwoHostsLab : public testing::LabFixture {
 public:
  static void SetUpTestSuite() {
    skip_reason_ = MissingPrerequisite();
    if (!skip_reason_.empty()) return;
    Script(kLab2, "teardown.sh");  // leftovers of a crashed run
    Script(kLab1, "teardown.sh");
    testing::CommandResult image = Lab("build-initramfs.sh");
    if (image.exit_code != 0) {
      setup_error_ = "build-initramfs.sh failed:\n" + image.output;
      return;
    }
    image_dir_ = LastLine(image.output);
    for (const Daemon* lab : {&kLab1, &kLab2}) {
      testing::CommandResult started = Script(*lab, "start-lab.sh");
      if (started.exit_code != 0) {
        setup_error_ = std::string("start-lab.sh (") + lab->ns + ") failed:\n" + started.output;
        return;
      }
    }
  }

  static void TearDownTestSuite() {
    if (!skip_reason_.empty()) return;
    // The second lab first: the first one removes what both needed.
    Script(kLab2, "teardown.sh");
    Script(kLab1, "teardown.sh");
  }

 protected:
  void SetUp() override {
    LabFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    spec_path_ = std::string(kLab1.dir) + "/two-hosts.yaml";
    std::ofstream(spec_path_) << "cluster: lab\nhypervisors:\n"
                              << "  - {name: h1, uri: \"" << kLab1.Uri() << "\", network: rcl-lab, pool: rcl}\n"
                              << "  - {name: h2, uri: \"" << kLab2.Uri() << "\", network: rcl-lab, pool: rcl}\n"
                              << "images:\n  tiny:\n"
                              << "    kernel: " << image_dir_ << "/vmlinux\n"
                              << "    initrd: " << image_dir_ << "/initramfs.cpio.gz\n"
                              << "    cmdline: console=ttyS0 panic=-1 quiet\n"
                              << "    seed: false\n"
                              << "groups:\n  web: {count: 2, image: tiny, memory: 256MiB}\n";
    std::ostringstream err;
    absl::StatusOr<Desired> desired = cli::LoadDesired(spec_path_, "", err);
    ASSERT_TRUE(desired.ok()) << err.str();
    desired_ = *std::move(desired);
    absl::StatusOr<std::vector<std::unique_ptr<drivers::Hypervisor>>> opened =
        cli::OpenHosts(desired_.spec, err);
    ASSERT_TRUE(opened.ok()) << err.str();
    drivers_ = *std::move(opened);
  }

  Reconciler Make() {
    ReconcilerOptions options = OptionsFromPolicy(desired_.spec);
    options.observe.address_timeout = absl::Milliseconds(200);  // no SSH here: roles are empty
    return Reconciler(desired_.spec, desired_.nodes,
                      {{"h1", drivers_[0].get()}, {"h2", drivers_[1].get()}}, shell_,
                      Clock::Real(), options);
  }

  std::string spec_path_;
  Desired desired_;
  std::vector<std::unique_ptr<drivers::Hypervisor>> drivers_;
  testing::FakeNodeShell shell_;
};

TEST_F(TwoHostsLab, PlacesOneNodePerHostStaysPutAndReportsADarkHost) {
  Reconciler reconciler = Make();
  ApplyOutcome outcome = ApplyUntilConverged(reconciler, 3, Clock::Real());
  ASSERT_TRUE(outcome.converged) << outcome.stopped_because << " " << outcome.error;
  EXPECT_THAT(Running(kLab1), ElementsAre("lab-web-1"));
  EXPECT_THAT(Running(kLab2), ElementsAre("lab-web-2"));

  absl::StatusOr<PassResult> replan = Make().PlanPass();
  ASSERT_TRUE(replan.ok()) << replan.status();
  EXPECT_TRUE(replan->plan.converged()) << replan->plan.actions.size() << " actions";

  // Lab 2's daemon goes away; its guest keeps running, unseen.
  testing::CommandResult killed = testing::RunCommand(
      std::string("pid=$(cat ") + kLab2.dir + "/state/libvirtd.pid) && kill $pid && "
      "for i in $(seq 1 100); do kill -0 $pid 2>/dev/null || exit 0; sleep 0.1; done; exit 1");
  ASSERT_EQ(killed.exit_code, 0) << killed.output;
  absl::StatusOr<PassResult> dark = Make().ApplyPass();
  ASSERT_TRUE(dark.ok()) << dark.status();
  EXPECT_THAT(dark->plan.actions, IsEmpty());
  ASSERT_EQ(dark->plan.problems.size(), 1u);
  EXPECT_THAT(dark->plan.problems[0].message,
              HasSubstr("host h2 unreachable: 1 node unknown (lab-web-2)"));
  EXPECT_THAT(Running(kLab1), ElementsAre("lab-web-1")) << "nothing created in web-2's place";

  // Back again: the same drivers reconnect and nothing is left to do.
  testing::CommandResult restarted = testing::RunCommand(
      std::string("S=") + kLab2.dir + "/state NS=" + kLab2.ns +
      " bash -c '. tests/lab/libvirtd-launch.sh && launch_libvirtd' 2>&1");
  ASSERT_EQ(restarted.exit_code, 0) << restarted.output;
  absl::StatusOr<PassResult> back = Make().PlanPass();
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->plan.converged()) << back->plan.problems.size() << " problems";
  EXPECT_THAT(Running(kLab2), ElementsAre("lab-web-2"));
}

}  // namespace
}  // namespace reconcile
