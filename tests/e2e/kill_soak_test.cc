// Soak run (scripts/soak-kill.sh, not part of CI): SIGKILL `reconcile apply`
// at many random moments while it creates, configures or prunes nodes of the
// lab, and after every kill check that the next apply converges with nothing
// leaked (faults_fixture.h). Each iteration picks a new node count (1..4, so
// creations and deletions both happen) and a kill delay in
// [0, SOAK_MAX_DELAY_MS]. Environment: SOAK_KILLS (iterations, default 20),
// SOAK_MAX_DELAY_MS (default 20000), SOAK_SEED (default: the time),
// SOAK_RECORD (CSV of every kill point and its result).
#include <signal.h>

#include <cstdlib>
#include <random>

#include "fmt/format.h"
#include "tests/e2e/faults_fixture.h"

namespace reconcile::testing {
namespace {

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::atoi(value) : fallback;
}

class KillSoakTest : public FaultsFixture {};

// This test verifies that after SIGKILL at each of many random points of an
// apply, the next apply converges (exit 0, empty plan) and nothing leaked.
TEST_F(KillSoakTest, NextApplyConvergesAfterEveryKill) {
  const int kills = EnvInt("SOAK_KILLS", 20);
  const int max_delay_ms = EnvInt("SOAK_MAX_DELAY_MS", 20000);
  const unsigned seed = static_cast<unsigned>(EnvInt("SOAK_SEED", static_cast<int>(time(nullptr))));
  const char* record_path = std::getenv("SOAK_RECORD");
  std::ofstream record(record_path != nullptr ? record_path : "/dev/null", std::ios::app);
  record << "# seed " << seed << "\niteration,nodes,delay_ms,killed,next_apply_exit,clean\n";
  std::mt19937 random(seed);

  FaultsSpec spec{.nodes = 2};
  auto first = Cli("apply " + ShellQuote(WriteSpec(spec)));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  int killed = 0, survived = 0;
  for (int i = 1; i <= kills; ++i) {
    int nodes = spec.nodes;
    while (nodes == spec.nodes) nodes = std::uniform_int_distribution<int>(1, 4)(random);
    spec.nodes = nodes;
    const int delay_ms = std::uniform_int_distribution<int>(0, max_delay_ms)(random);
    WriteSpec(spec);
    BackgroundReconcile apply({"apply", SpecPath(spec)}, work_ + "/soak-apply.log");
    absl::SleepFor(absl::Milliseconds(delay_ms));
    const bool was_running = apply.Running();
    apply.Signal(SIGKILL);
    ExpectNoSecretIn(ReadFile(work_ + "/soak-apply.log"), "killed apply");
    killed += was_running;

    const int failures_before =
        ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
    auto next = Cli("apply " + ShellQuote(SpecPath(spec)));
    EXPECT_EQ(next.exit_code, 0) << "iteration " << i << ": " << next.output;
    ExpectNoLeaks(spec);
    ExpectPlanEmpty(spec);
    const bool clean =
        ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count() ==
        failures_before;
    survived += was_running && clean;
    record << i << "," << nodes << "," << delay_ms << "," << (was_running ? "yes" : "finished-first")
           << "," << next.exit_code << "," << (clean ? "yes" : "NO") << "\n" << std::flush;
    std::printf("[ SOAK     ] %d/%d nodes=%d delay=%d ms %s, next apply %s\n", i, kills, nodes,
                delay_ms, was_running ? "killed" : "had finished", clean ? "converged, clean" : "FAILED");
    std::fflush(stdout);
  }
  std::vector<std::string> names;
  for (int n = 1; n <= spec.nodes; ++n) names.push_back("faults-node-" + std::to_string(n));
  ExpectNodesConfigured(names);
  Figure("soak kill points tried (process still running when killed) / survived",
         fmt::format("{} / {}", killed, survived));
  record << "# kills " << killed << " survived " << survived << "\n";
}

}  // namespace
}  // namespace reconcile::testing
