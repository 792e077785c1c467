// This test verifies that every spec of the malformed corpus
// (tests/model/malformed/, each a different mistake) is refused by the
// commands that act, `apply` and `watch`, exactly as by `validate`: exit 1,
// only located `file:line:col: message` lines (the spec, or a file it names) on stderr, nothing on stdout,
// and no action taken: no connection attempted (the --connect URI names a
// fixture that does not exist, so any attempt would print a connect error)
// and no cluster lock taken (the lock directory is never created).
#include <filesystem>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/reconcile_binary.h"

namespace {

namespace fs = std::filesystem;
using ::reconcile::testing::RunReconcile;
using ::testing::MatchesRegex;

// The issue asks for at least this many different mistakes.
constexpr int kMinimumDistinctMistakes = 40;

TEST(MalformedApplyCliTest, EveryMalformedSpecIsRefusedBeforeAnyAction) {
  const fs::path locks =
      fs::temp_directory_path() / ("reconcile-malformed-locks-" + std::to_string(::getpid()));
  fs::remove_all(locks);
  std::set<std::string> mistakes;
  for (const auto& entry : fs::directory_iterator("tests/model/malformed")) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string spec = entry.path().string();
    for (const std::string command : {"apply", "watch"}) {
      SCOPED_TRACE(command + " " + spec);
      auto run = RunReconcile(command + " " + spec +
                              " --connect test:///nonexistent/never-opened.xml --lock-dir " +
                              locks.string());
      EXPECT_FALSE(run.signalled);
      EXPECT_EQ(run.exit_code, 1);
      EXPECT_EQ(run.out, "");
      EXPECT_THAT(run.err, MatchesRegex("([^\n]+:[0-9]+:[0-9]+: [^\n]+\n)+"));
      EXPECT_FALSE(fs::exists(locks)) << "a lock was taken for a spec that does not load";
    }
    mistakes.insert(entry.path().stem().string());
  }
  EXPECT_GE(static_cast<int>(mistakes.size()), kMinimumDistinctMistakes);
  std::printf("[ FIGURE   ] malformed specs refused by apply and watch: %zu\n", mistakes.size());
  fs::remove_all(locks);
}

}  // namespace
