// This test verifies that ForEachBounded visits every index exactly once and
// never has more than the allowed number of calls in flight.
#include "base/parallel.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace reconcile {
namespace {

TEST(ForEachBounded, BoundsConcurrencyAndVisitsEachIndexOnce) {
  constexpr size_t kN = 40, kLimit = 4;
  std::vector<std::atomic<int>> visits(kN);
  std::atomic<int> in_flight{0}, peak{0};
  ForEachBounded(kN, kLimit, [&](size_t i) {
    int now = ++in_flight;
    for (int p = peak.load(); now > p && !peak.compare_exchange_weak(p, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    visits[i]++;
    --in_flight;
  });
  for (size_t i = 0; i < kN; ++i) EXPECT_EQ(visits[i].load(), 1) << i;
  EXPECT_LE(peak.load(), static_cast<int>(kLimit));
  EXPECT_GE(peak.load(), 2);  // it did run in parallel
}

TEST(ForEachBounded, ZeroItemsAndZeroParallelismAreFine) {
  int calls = 0;
  ForEachBounded(0, 8, [&](size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
  ForEachBounded(3, 0, [&](size_t) { ++calls; });  // treated as 1
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace reconcile
