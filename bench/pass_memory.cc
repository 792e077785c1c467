// pass_memory: peak memory (getrusage ru_maxrss) and wall time of one full
// observe + plan pass at N nodes, in a process of its own (bench/run.sh runs
// one per size). The hypervisor is libvirt's in-process test driver loaded
// with N running domains this cluster owns; probes go to a fake node shell
// that has every role applied, so the plan is empty (the watch loop's no-op
// pass). Target: under 100 MB at 1,000 nodes (docs/performance.md).
//
// usage: pass_memory --nodes N [--passes K]
// prints: nodes=N baseline_mb=.. world_mb=.. peak_mb=.. first_pass_s=..
//         next_pass_s=.. actions=..
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/time/clock.h"
#include "base/clock.h"
#include "bench/cluster_fixture.h"
#include "bench/testdriver_world.h"
#include "drivers/libvirt/libvirt_hypervisor.h"
#include "fmt/format.h"
#include "reconciler/node_state_paths.h"
#include "reconciler/reconciler.h"
#include "reconciler/role_outputs.h"
#include "tests/testing/fake_node_shell.h"

namespace {

using namespace reconcile;

double MaxRssMb() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // Linux reports KiB
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "pass_memory: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int nodes = 1000, passes = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--nodes") nodes = std::atoi(argv[i + 1]);
    else if (flag == "--passes") passes = std::atoi(argv[i + 1]);
    else return Fail("unknown flag " + flag);
  }
  if (nodes < 2 || passes < 1) return Fail("usage: pass_memory --nodes N (N >= 2) [--passes K]");
  const double baseline_mb = MaxRssMb();

  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("reconcile-pass-memory-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string uri = "test://" + (dir / "world.xml").string();
  absl::StatusOr<bench::Cluster> cluster = bench::LoadCluster(nodes, uri);
  if (!cluster.ok()) return Fail(std::string(cluster.status().message()));
  std::ofstream(dir / "world.xml") << bench::TestDriverWorldXml(cluster->nodes, cluster->spec.cluster);

  drivers::libvirt::LibvirtOptions libvirt_options;
  libvirt_options.cluster = cluster->spec.cluster;
  libvirt_options.uris = {uri};
  auto libvirt = drivers::libvirt::MakeLibvirtHypervisor(libvirt_options);
  fs::remove_all(dir);  // the test driver has read it
  if (!libvirt.ok()) return Fail(std::string(libvirt.status().message()));
  bench::FixedAddressHypervisor hypervisor(*std::move(libvirt));

  testing::FakeNodeShell shell;
  shell.AcceptEveryCommand();  // every check passes: the cluster is converged
  ReconcilerOptions options = OptionsFromPolicy(cluster->spec);
  for (const model::Node& node : cluster->nodes) {
    for (const auto& [role, hash] : node.role_hashes) {
      shell.WriteFile(node.name, options.observe.state_dir + "/roles/" + role + ".hash", hash);
    }
  }
  // The leader's output, which every member's check renders with, as the
  // leader recorded it when it was last given (a plan reads, never runs it).
  shell.WriteFile(cluster->nodes.front().name, "/var/lib/lab/token", "0123456789abcdef");
  shell.WriteFile(cluster->nodes.front().name,
                  RecordedOutputsPath(options.observe.state_dir, "leader"),
                  EncodeOutputs({{"token", "0123456789abcdef"}}));
  const double world_mb = MaxRssMb();

  Reconciler reconciler(cluster->spec, cluster->nodes, hypervisor, shell, Clock::Real(), options);
  double first_s = 0, next_s = 0;
  size_t actions = 0;
  for (int pass = 0; pass < passes; ++pass) {
    const absl::Time start = absl::Now();
    absl::StatusOr<PassResult> result = reconciler.PlanPass();
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    if (!result.ok()) return Fail(std::string(result.status().message()));
    actions = result->plan.actions.size();
    // The figures are those of a no-op pass only if nothing is planned (an
    // unanswered check once made every node a configure, unnoticed).
    if (actions != 0) {
      return Fail(fmt::format("the converged world planned {} actions, the first: {} {}: {}", actions,
                              model::ActionKindName(result->plan.actions[0].kind),
                              result->plan.actions[0].node, result->plan.actions[0].reason));
    }
    (pass == 0 ? first_s : next_s) = seconds;
  }
  std::printf("nodes=%d baseline_mb=%.1f world_mb=%.1f peak_mb=%.1f first_pass_s=%.3f next_pass_s=%.3f actions=%zu\n",
              nodes, baseline_mb, world_mb, MaxRssMb(), first_s, next_s, actions);
  return 0;
}
