// plan_bench: how long the pure planner takes for 100, 1,000 and 10,000 nodes
// (Google Benchmark). Target: under 100 ms at 10,000 (docs/performance.md).
//
//   BM_PlanConverged  - the watch loop's usual pass: everything in place
//   BM_PlanFromEmpty  - the first apply: every node created and configured
//   BM_LoadAndExpand  - YAML -> validated Spec -> nodes with their hashes
#include <cstdio>
#include <cstdlib>

#include "bench/cluster_fixture.h"
#include "benchmark/benchmark.h"
#include "reconciler/planner.h"

namespace reconcile::bench {
namespace {

Cluster MustLoad(int nodes) {
  absl::StatusOr<Cluster> cluster = LoadCluster(nodes);
  if (!cluster.ok()) {
    std::fprintf(stderr, "plan_bench: %s\n", std::string(cluster.status().message()).c_str());
    std::exit(1);
  }
  return *std::move(cluster);
}

void BM_PlanConverged(benchmark::State& state) {
  const Cluster cluster = MustLoad(static_cast<int>(state.range(0)));
  const model::ObservedState observed = ConvergedState(cluster.nodes, cluster.spec.cluster);
  for (auto _ : state) {
    model::Plan plan = ComputePlan(cluster.spec, cluster.nodes, observed);
    if (!plan.converged()) state.SkipWithError("the converged fixture planned changes");
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_PlanFromEmpty(benchmark::State& state) {
  const Cluster cluster = MustLoad(static_cast<int>(state.range(0)));
  const model::ObservedState empty;
  for (auto _ : state) {
    model::Plan plan = ComputePlan(cluster.spec, cluster.nodes, empty);
    if (plan.actions.size() != 2 * cluster.nodes.size()) state.SkipWithError("unexpected plan");
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_LoadAndExpand(benchmark::State& state) {
  for (auto _ : state) {
    Cluster cluster = MustLoad(static_cast<int>(state.range(0)));
    benchmark::DoNotOptimize(cluster);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_PlanConverged)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlanFromEmpty)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadAndExpand)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace reconcile::bench

BENCHMARK_MAIN();
