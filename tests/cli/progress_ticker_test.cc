// This test verifies what apply and watch show while actions run, with a
// simulated clock and a string stream (no sleeping): on a terminal a status
// line appears once an action has run a while, is redrawn in place with a
// turning spinner, is erased before every finished-action line and when
// nothing runs, fits the terminal's width, and is coloured only when asked;
// elsewhere a plain "still running" line is written after a quiet period and
// then periodically, never while other lines show life. And the style for a
// pipe and a terminal is chosen from the file descriptor (NO_COLOR included).
#include "cli/progress_ticker.h"

#include <fcntl.h>
#include <unistd.h>

#include <sstream>

#include "cli/render/terminal_text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/simulated_clock.h"
#include "tests/testing/terminal.h"

namespace reconcile::cli {
namespace {

using model::Action;
using model::ActionKind;
using ::testing::HasSubstr;
using ::testing::Not;

Action Create(int id, const std::string& node) {
  return {.id = id, .kind = ActionKind::kCreate, .node = node};
}

Action Configure(int id, const std::string& node, const std::string& role) {
  return {.id = id, .kind = ActionKind::kConfigure, .node = node, .role = role};
}

ProgressTicker::Style Terminal() {
  return {.redraw = true, .color = false, .columns = 80, .background = false};
}

ProgressTicker::Style Plain() {
  return {.redraw = false, .color = false, .every = absl::Seconds(15), .background = false};
}

// What the stream received since the last call.
class Screen {
 public:
  std::ostringstream stream;
  std::string Take() {
    std::string text = stream.str();
    stream.str("");
    return text;
  }
};

TEST(ProgressTickerTest, TerminalLineAppearsAfterAWhileAndIsRedrawnInPlace) {
  testing::SimulatedClock clock;
  Screen screen;
  ProgressTicker ticker(screen.stream, clock, Terminal());
  ticker.Started(Create(0, "lab-web-1"));
  clock.Advance(absl::Seconds(1));
  ticker.Tick();
  EXPECT_EQ(screen.Take(), "") << "an action that ends quickly shows nothing";
  clock.Advance(absl::Seconds(2));
  ticker.Tick();
  EXPECT_EQ(screen.Take(), "\r\x1b[K| 1 action running: create lab-web-1 (3s)");
  ticker.Started(Configure(1, "lab-db-1", "db"));
  clock.Advance(absl::Seconds(1));
  ticker.Tick();
  EXPECT_EQ(screen.Take(),
            "\r\x1b[K/ 2 actions running: create lab-web-1 (4s), configure lab-db-1 [db] (1s)");
}

TEST(ProgressTickerTest, FinishedLinesEraseTheStatusLineFirst) {
  testing::SimulatedClock clock;
  Screen screen;
  ProgressTicker ticker(screen.stream, clock, Terminal());
  ticker.Started(Create(0, "lab-web-1"));
  ticker.Started(Create(1, "lab-web-2"));
  clock.Advance(absl::Seconds(5));
  ticker.Tick();
  screen.Take();
  ticker.Finished(Create(0, "lab-web-1"), "[   5.0s] ok      +   lab-web-1  create");
  EXPECT_EQ(screen.Take(), "\r\x1b[K[   5.0s] ok      +   lab-web-1  create\n");
  ticker.Tick();  // the one still running is shown again, below
  EXPECT_EQ(screen.Take(), "\r\x1b[K/ 1 action running: create lab-web-2 (5s)");
  ticker.Finished(Create(1, "lab-web-2"), "done");
  EXPECT_EQ(screen.Take(), "\r\x1b[Kdone\n");
  ticker.Tick();
  EXPECT_EQ(screen.Take(), "") << "nothing runs: nothing drawn";
  // A line that is not an action's, while one runs, erases the status line too.
  ticker.Started(Create(2, "lab-web-3"));
  clock.Advance(absl::Seconds(3));
  ticker.Tick();
  screen.Take();
  ticker.Print("note");
  EXPECT_EQ(screen.Take(), "\r\x1b[Knote\n");
}

TEST(ProgressTickerTest, TheLineFitsTheTerminalAndCarriesThePrefix) {
  testing::SimulatedClock clock;
  Screen screen;
  ProgressTicker::Style style = Terminal();
  style.columns = 40;
  ProgressTicker ticker(screen.stream, clock, style, [] { return std::string("[  42.0s] "); });
  ticker.Started(Configure(0, "lab-a-very-long-node-name-1", "a-role-with-a-long-name"));
  clock.Advance(absl::Seconds(42));
  ticker.Tick();
  const std::string line = screen.Take();
  ASSERT_EQ(line.rfind("\r\x1b[K", 0), 0u);
  const std::string visible = line.substr(4);
  EXPECT_EQ(visible.rfind("[  42.0s] | 1 action running: ", 0), 0u) << visible;
  EXPECT_EQ(render::DisplayWidth(visible), 39u) << "one column short of wrapping: " << visible;
  EXPECT_THAT(visible, ::testing::EndsWith("..."));
}

TEST(ProgressTickerTest, ColourOnlyWhenAsked) {
  testing::SimulatedClock clock;
  for (bool color : {false, true}) {
    Screen screen;
    ProgressTicker::Style style = Terminal();
    style.color = color;
    ProgressTicker ticker(screen.stream, clock, style);
    ticker.Started(Create(0, "lab-web-1"));
    clock.Advance(absl::Seconds(3));
    ticker.Tick();
    const std::string line = screen.Take();
    if (color) {
      EXPECT_THAT(line, HasSubstr("\x1b[36m|\x1b[0m"));
    } else {
      EXPECT_THAT(line, Not(HasSubstr("\x1b[3"))) << "no colour";
    }
  }
}

TEST(ProgressTickerTest, PlainLinesComeAfterAQuietPeriodThenPeriodically) {
  testing::SimulatedClock clock;
  Screen screen;
  ProgressTicker ticker(screen.stream, clock, Plain(), [] { return std::string("T "); });
  ticker.Started(Create(0, "lab-web-1"));
  for (int i = 0; i < 14; ++i) {
    clock.Advance(absl::Seconds(1));
    ticker.Tick();
  }
  EXPECT_EQ(screen.Take(), "") << "quiet for less than 15s";
  clock.Advance(absl::Seconds(1));
  ticker.Tick();
  EXPECT_EQ(screen.Take(), "T still running: create lab-web-1 (15s)\n");
  clock.Advance(absl::Seconds(1));
  ticker.Tick();
  EXPECT_EQ(screen.Take(), "") << "once per period";
  ticker.Started(Configure(1, "lab-db-1", "db"));
  clock.Advance(absl::Seconds(14));
  ticker.Tick();
  EXPECT_EQ(screen.Take(), "T still running: create lab-web-1 (30s), configure lab-db-1 [db] (14s)\n");
  // A finished action is life enough: the next line waits a full period.
  clock.Advance(absl::Seconds(5));
  ticker.Finished(Configure(1, "lab-db-1", "db"), "ok configure");
  EXPECT_EQ(screen.Take(), "ok configure\n") << "no terminal: nothing to erase";
  clock.Advance(absl::Seconds(14));
  ticker.Tick();
  EXPECT_EQ(screen.Take(), "");
  clock.Advance(absl::Seconds(1));
  ticker.Tick();
  EXPECT_EQ(screen.Take(), "T still running: create lab-web-1 (50s)\n");
  EXPECT_THAT(screen.stream.str(), Not(HasSubstr("\r")));
}

TEST(ProgressTickerTest, AttachWiresTheExecutorsHooks) {
  testing::SimulatedClock clock;
  Screen screen;
  ProgressTicker ticker(screen.stream, clock, Plain());
  ExecutorOptions executor;
  ticker.Attach(executor, [](const Action& action, const ActionResult& result) {
    return action.node + (result.outcome == Outcome::kSucceeded ? " ok" : " failed");
  });
  ASSERT_TRUE(executor.on_start && executor.on_done);
  executor.on_start(Create(0, "lab-web-1"));
  clock.Advance(absl::Seconds(15));
  ticker.Tick();
  EXPECT_EQ(screen.Take(), "still running: create lab-web-1 (15s)\n");
  executor.on_done(Create(0, "lab-web-1"), ActionResult{.outcome = Outcome::kSucceeded});
  EXPECT_EQ(screen.Take(), "lab-web-1 ok\n");
  clock.Advance(absl::Seconds(60));
  ticker.Tick();
  EXPECT_EQ(screen.Take(), "") << "nothing runs any more";
}

TEST(ProgressTickerTest, DestroyingErasesTheStatusLine) {
  testing::SimulatedClock clock;
  Screen screen;
  {
    ProgressTicker ticker(screen.stream, clock, Terminal());
    ticker.Started(Create(0, "lab-web-1"));
    clock.Advance(absl::Seconds(3));
    ticker.Tick();
    screen.Take();
  }
  EXPECT_EQ(screen.Take(), "\r\x1b[K");
}

// The background thread starts and stops with the ticker; with nothing
// running it writes nothing.
TEST(ProgressTickerTest, TheThreadStopsWithTheTicker) {
  Screen screen;
  ProgressTicker::Style style = Terminal();
  style.background = true;
  style.tick = absl::Milliseconds(1);
  { ProgressTicker ticker(screen.stream, Clock::Real(), style); }
  EXPECT_EQ(screen.Take(), "");
}

TEST(ProgressTickerTest, StyleFollowsTheFileDescriptor) {
  testing::ScopedEnv term("TERM", "xterm");
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  ProgressTicker::Style pipe = ProgressTicker::StyleFor(fds[1]);
  EXPECT_FALSE(pipe.redraw);
  EXPECT_FALSE(pipe.color);
  close(fds[0]);
  close(fds[1]);

  testing::Pty pty;
  ASSERT_GE(pty.terminal(), 0) << "cannot open a pseudo-terminal";
  {
    testing::ScopedEnv no_color("NO_COLOR", std::nullopt);
    ProgressTicker::Style style = ProgressTicker::StyleFor(pty.terminal());
    EXPECT_TRUE(style.redraw);
    EXPECT_TRUE(style.color);
  }
  {
    testing::ScopedEnv no_color("NO_COLOR", "1");
    ProgressTicker::Style style = ProgressTicker::StyleFor(pty.terminal());
    EXPECT_TRUE(style.redraw) << "NO_COLOR is about colour only";
    EXPECT_FALSE(style.color);
  }
  {
    testing::ScopedEnv dumb("TERM", "dumb");
    EXPECT_FALSE(ProgressTicker::StyleFor(pty.terminal()).redraw);
  }
}

TEST(ShortDurationTest, SecondsMinutesHours) {
  EXPECT_EQ(ShortDuration(absl::Seconds(42.7)), "42s");
  EXPECT_EQ(ShortDuration(absl::Seconds(185)), "3m05s");
  EXPECT_EQ(ShortDuration(absl::Seconds(3720)), "1h02m");
  EXPECT_EQ(ShortDuration(-absl::Seconds(1)), "0s");
}

}  // namespace
}  // namespace reconcile::cli
