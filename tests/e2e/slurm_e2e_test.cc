// End to end, real, with software nobody here wrote: the `reconcile` binary
// turns generic Debian 12 disk images (tests/lab/build-debian-image.sh) into a
// working SLURM cluster on the lab's libvirtd (QEMU, TCG), from the example
// spec specs/slurm-debian.yaml adapted only to the lab (URI, network, pool,
// key, image path). Real cloud-init reads the seed (hostname, the operator's
// key for user `debian`, the host key checked on the first connection), the
// image is uploaded from beside reconcile (`images.X.source`), steps run
// through sudo (`ssh.become`), and slurmctld/slurmd/munge from Debian do the
// rest. The tests run in order on one lab:
//   (floor, for bench/run.sh --slurm only: same guests, no roles) -> apply
//   from empty -> srun -N2 -> empty plan -> scale to 3 -> srun -N3 -> drift
//   corrected by watch -> scale down with prune -> empty plan.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>

#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "tests/e2e/lab_cluster.h"
#include "tests/lab/lab_fixture.h"

namespace reconcile::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kController = "hpc-controller-1";

std::string Compute(int index) { return fmt::format("hpc-compute-{}", index); }

std::vector<std::string> ComputeNodes(int count) {
  std::vector<std::string> names;
  for (int i = 1; i <= count; ++i) names.push_back(Compute(i));
  return names;
}

class SlurmE2eTest : public LabFixture {
 public:
  static void SetUpTestSuite() {
    LabFixture::SetUpTestSuite();
    if (!skip_reason_.empty() || !setup_error_.empty()) return;
    const absl::Time start = absl::Now();
    auto image = RunCommand("tests/lab/build-debian-image.sh 2>&1");
    if (image.exit_code != 0) {
      setup_error_ = "build-debian-image.sh failed:\n" + image.output;
      return;
    }
    image_ = LastLine(image.output) + "/debian-12.qcow2";
    Figure("Debian image (built or from its cache)", absl::Now() - start);
    work_ = StateDir() + "/slurm";
    mkdir(work_.c_str(), 0700);
    setenv("RECONCILE_LOCK_DIR", (work_ + "/locks").c_str(), 1);
    key_ = work_ + "/id_ed25519";
    auto keygen = RunCommand("ssh-keygen -q -t ed25519 -N '' -C slurm-operator -f " +
                             ShellQuote(key_) + " 2>&1");
    if (keygen.exit_code != 0) setup_error_ = "ssh-keygen failed: " + keygen.output;
    spec_path_ = work_ + "/slurm.yaml";
  }

  static void TearDownTestSuite() {
    unsetenv("RECONCILE_LOCK_DIR");
    LabFixture::TearDownTestSuite();
  }

 protected:
  // specs/slurm-debian.yaml with only the lab's values put in.
  static std::string SpecYaml(int computes, bool with_roles = true) {
    std::ifstream in("specs/slurm-debian.yaml");
    std::string yaml(std::istreambuf_iterator<char>(in), {});
    auto replace = [&](const std::string& from, const std::string& to) {
      const size_t at = yaml.find(from);
      EXPECT_NE(at, std::string::npos) << "specs/slurm-debian.yaml lost: " << from;
      if (at != std::string::npos) yaml.replace(at, from.size(), to);
    };
    replace("uri: qemu:///system", "uri: \"" + uri_ + "\"");
    replace("network: default", "network: rcl-lab");
    replace("pool: default", "pool: rcl");
    replace("  become: true\n", "  become: true\n  identity: " + key_ + "\n  netns: rcl-lab\n");
    replace("source: /var/lib/reconcile/images/debian-12.qcow2", "source: " + image_);
    replace("compute:    { count: 2,", fmt::format("compute:    {{ count: {},", computes));
    if (!with_roles) {  // one check-only role: each node must answer a probe
      replace("cluster: hpc", "cluster: floor");
      replace("roles: [munge-key, slurm-config, slurmctld]", "roles: [reachable]");
      replace("roles: [slurm-config, munge, slurmd]", "roles: [reachable]");
      replace("roles:\n", "roles:\n  reachable:\n    steps:\n      - { name: answer, check: \"true\", run: \"true\" }\n");
    }
    return yaml;
  }

  static void WriteSpec(int computes) { std::ofstream(spec_path_) << SpecYaml(computes); }

  static drivers::Hypervisor& Libvirt() {
    static std::unique_ptr<drivers::Hypervisor> hv = LabDriver("hpc", uri_);
    return *hv;
  }

  // `command` on `node` as root (sudo) over SSH from inside the lab
  // namespace, as user debian, trusting only the host key in the domain's
  // metadata: what real cloud-init installed from the seed.
  static CommandResult SshTo(const std::string& node, const std::string& command) {
    return SudoOverSsh(Libvirt(), kNamespace, "debian", key_, work_, node, command);
  }

  // Polls `sinfo` on the controller until exactly `nodes` are listed, all
  // idle; returns the last listing.
  static std::string WaitAllIdle(const std::vector<std::string>& nodes, absl::Duration limit) {
    std::vector<std::string> want;
    for (const std::string& n : nodes) want.push_back(n + " idle");
    const std::string expected = fmt::format("{}\n", fmt::join(want, "\n"));
    const absl::Time deadline = absl::Now() + limit;
    std::string listing;
    do {
      listing = SshTo(kController, "sinfo -h -N -o '%N %T' | sort -u").output;
      if (listing == expected) return listing;
      absl::SleepFor(absl::Seconds(2));
    } while (absl::Now() < deadline);
    return listing;
  }

  // srun on `n` nodes from the controller: the sorted host names printed.
  static CommandResult Srun(int n) {
    return SshTo(kController, fmt::format("timeout 120 srun -N{} hostname | sort", n));
  }

  static std::string Lines(const std::vector<std::string>& items) {
    return fmt::format("{}\n", fmt::join(items, "\n"));
  }

  static void Figure(const std::string& what, absl::Duration d) {
    std::printf("[ FIGURE   ] %s: %.1f s\n", what.c_str(), absl::ToDoubleSeconds(d));
    std::fflush(stdout);
  }

  static CommandResult Virsh(const std::string& args) {
    return RunCommand("virsh -q -c " + ShellQuote(uri_) + " " + args + " 2>&1");
  }

  static inline std::string work_, spec_path_, key_, image_;
  static inline bool applied_ = false;
};

// The floor, a measurement rather than a test (bench/run.sh --slurm runs it
// with --gtest_also_run_disabled_tests, before the cluster, in one run): the
// same three guests (same image, sizes and seed; one role whose only step's
// check passes, so each node must answer a probe over SSH with its seeded host
// key as user debian, through sudo) created by `reconcile apply`, then deleted
// with prune. Disabled in the test run: it boots three Debian guests under TCG
// (about 4 minutes) to learn nothing ApplyFromEmpty does not also assert.
TEST_F(SlurmE2eTest, DISABLED_FloorGuestsReachableWithNoRoles) {
  const std::string path = work_ + "/floor.yaml";
  std::ofstream(path) << SpecYaml(2, /*with_roles=*/false);
  const absl::Time start = absl::Now();
  auto apply = Reconcile("apply " + ShellQuote(path));
  const absl::Duration took = absl::Now() - start;
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  Figure("floor: 3 Debian guests created, booted, answering a probe over verified SSH (no real roles)", took);
  std::string empty = SpecYaml(0, false);
  empty = absl::StrReplaceAll(empty, {{"controller: { count: 1,", "controller: { count: 0,"}});
  std::ofstream(path) << empty;
  auto prune = Reconcile("apply " + ShellQuote(path));
  ASSERT_EQ(prune.exit_code, 0) << prune.output;
  EXPECT_THAT(Virsh("list --all --name").output, Not(HasSubstr("floor-")));
}

// This test verifies that from nothing `reconcile apply` converges the example
// spec (exit 0) into a SLURM cluster: sinfo lists both compute nodes idle and
// `srun -N2 hostname` runs on both. It prints the time from empty to srun.
TEST_F(SlurmE2eTest, ApplyFromEmptyThenSrunRunsOnEveryComputeNode) {
  WriteSpec(2);
  const absl::Time start = absl::Now();
  auto apply = Reconcile("apply " + ShellQuote(spec_path_));
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  const std::string idle = WaitAllIdle(ComputeNodes(2), absl::Minutes(2));
  ASSERT_EQ(idle, Lines({Compute(1) + " idle", Compute(2) + " idle"}));
  auto srun = Srun(2);
  ASSERT_EQ(srun.exit_code, 0) << srun.output;
  EXPECT_EQ(srun.output, Lines(ComputeNodes(2)));
  Figure("empty to `srun -N2` working (apply + slurmd registered)", absl::Now() - start);
  applied_ = true;

  // What the image and seed gave: the seeded hostname, root refused, the
  // munge key the same everywhere and never on a command line.
  EXPECT_EQ(SshTo(Compute(1), "hostname").output, Compute(1) + "\n");
  auto keys = SshTo(kController, "sha256sum < /etc/munge/munge.key");
  EXPECT_EQ(SshTo(Compute(2), "sha256sum < /etc/munge/munge.key").output, keys.output);
}

// This test verifies that a plan of the converged cluster has nothing to do.
TEST_F(SlurmE2eTest, SecondPlanIsEmpty) {
  ASSERT_TRUE(applied_);
  const absl::Time start = absl::Now();
  auto plan = Reconcile("plan --detailed-exitcode " + ShellQuote(spec_path_));
  EXPECT_EQ(plan.exit_code, 0) << plan.output;
  Figure("no-op plan of the SLURM cluster", absl::Now() - start);
}

// This test verifies that scaling compute from 2 to 3 joins the new node:
// slurm.conf lists it on every node and `srun -N3` runs on all three.
TEST_F(SlurmE2eTest, ScaleUpJoinsTheNewNodeEverywhere) {
  ASSERT_TRUE(applied_);
  WriteSpec(3);
  auto apply = Reconcile("apply " + ShellQuote(spec_path_));
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  const std::string conf = SshTo(kController, "cat /etc/slurm/slurm.conf").output;
  EXPECT_THAT(conf, HasSubstr("NodeName=" + Compute(1) + "," + Compute(2) + "," + Compute(3)));
  for (const std::string& node : ComputeNodes(3)) {
    EXPECT_EQ(SshTo(node, "cat /etc/slurm/slurm.conf").output, conf) << node;
  }
  EXPECT_EQ(WaitAllIdle(ComputeNodes(3), absl::Minutes(2)),
            Lines({Compute(1) + " idle", Compute(2) + " idle", Compute(3) + " idle"}));
  auto srun = Srun(3);
  ASSERT_EQ(srun.exit_code, 0) << srun.output;
  EXPECT_EQ(srun.output, Lines(ComputeNodes(3)));
}

// This test verifies that `watch` corrects, within one interval, slurmd
// stopped on one node and slurm.conf edited on another, and prints the
// no-op pass and the time to correct.
TEST_F(SlurmE2eTest, WatchCorrectsStoppedSlurmdAndEditedConfWithinOneInterval) {
  ASSERT_TRUE(applied_);
  const std::string log_path = work_ + "/watch.log";
  constexpr int kIntervalSeconds = 30;
  BackgroundReconcile watch(
      {"watch", "--interval", fmt::format("{}s", kIntervalSeconds), spec_path_}, log_path);
  auto log_has = [&](const std::string& text, absl::Duration limit) {
    const absl::Time deadline = absl::Now() + limit;
    while (ReadFile(log_path).find(text) == std::string::npos && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(250));
    }
    return ReadFile(log_path).find(text) != std::string::npos;
  };
  ASSERT_TRUE(log_has("pass 1:", absl::Minutes(2))) << ReadFile(log_path);
  ASSERT_THAT(ReadFile(log_path), HasSubstr("converged, no changes")) << ReadFile(log_path);

  ASSERT_EQ(SshTo(Compute(1), "systemctl stop slurmd").exit_code, 0);
  ASSERT_EQ(SshTo(Compute(2), "echo '# tampered' >> /etc/slurm/slurm.conf").exit_code, 0);
  const absl::Time drifted = absl::Now();
  // The next pass (pass 2, one interval after pass 1) is the one that must
  // have corrected both, whatever the machine's speed.
  ASSERT_TRUE(log_has("pass 2:", absl::Seconds(4 * kIntervalSeconds))) << ReadFile(log_path);
  const absl::Duration took = absl::Now() - drifted;
  EXPECT_EQ(SshTo(Compute(1), "systemctl is-active slurmd").output, "active\n");
  EXPECT_EQ(SshTo(Compute(2), "grep -c tampered /etc/slurm/slurm.conf").output, "0\n");
  EXPECT_THAT(ReadFile(log_path), Not(HasSubstr("pass 2: converged, no changes")));
  EXPECT_EQ(watch.Terminate(), 0) << ReadFile(log_path);
  Figure("watch: slurmd stopped + slurm.conf edited, to corrected by the next pass", took);
  EXPECT_EQ(WaitAllIdle(ComputeNodes(3), absl::Minutes(2)),
            Lines({Compute(1) + " idle", Compute(2) + " idle", Compute(3) + " idle"}));
  // The no-op pass's own time, from its log line ("pass 1: converged, no
  // changes in 3.6s; ..."), as a figure like the others.
  std::smatch took_pass;
  const std::string log = ReadFile(log_path);
  if (std::regex_search(log, took_pass, std::regex("pass 1: converged, no changes in ([0-9.]+)s"))) {
    std::printf("[ FIGURE   ] no-op watch pass (its own log line): %s s\n", took_pass[1].str().c_str());
    std::fflush(stdout);
  }
}

// This test verifies that scaling compute back to 2 with prune removes the
// node from libvirt (domain and volumes) and from slurm.conf, and a plan
// afterwards is empty.
TEST_F(SlurmE2eTest, ScaleDownWithPruneRemovesTheNodeEverywhere) {
  ASSERT_TRUE(applied_);
  WriteSpec(2);
  auto apply = Reconcile("apply " + ShellQuote(spec_path_));
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  EXPECT_THAT(Virsh("list --all --name").output, Not(HasSubstr(Compute(3))));
  EXPECT_THAT(Virsh("vol-list rcl").output, Not(HasSubstr(Compute(3))));
  const std::string conf = SshTo(kController, "cat /etc/slurm/slurm.conf").output;
  EXPECT_THAT(conf, HasSubstr("NodeName=" + Compute(1) + "," + Compute(2) + " "));
  EXPECT_THAT(conf, Not(HasSubstr(Compute(3))));
  EXPECT_EQ(WaitAllIdle(ComputeNodes(2), absl::Minutes(2)),
            Lines({Compute(1) + " idle", Compute(2) + " idle"}));
  auto plan = Reconcile("plan --detailed-exitcode " + ShellQuote(spec_path_));
  EXPECT_EQ(plan.exit_code, 0) << plan.output;
}

}  // namespace
}  // namespace reconcile::testing
