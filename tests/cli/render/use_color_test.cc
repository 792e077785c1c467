// This test verifies that colour is used only on a terminal, that NO_COLOR (set
// and non-empty) and TERM=dumb turn it off, on a real pseudo-terminal and pipe;
// and that a line is redrawn in place on a terminal only, NO_COLOR or not.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "cli/render/terminal_text.h"
#include "gtest/gtest.h"
#include "tests/testing/terminal.h"

namespace reconcile::render {
namespace {

using testing::Pty;
using testing::ScopedEnv;

TEST(ColorWantedTest, DecidesFromTerminalNoColorAndTerm) {
  EXPECT_TRUE(ColorWanted(true, nullptr, "xterm-256color"));
  EXPECT_TRUE(ColorWanted(true, nullptr, nullptr));
  EXPECT_TRUE(ColorWanted(true, "", "xterm"));  // empty NO_COLOR is unset, per no-color.org
  EXPECT_FALSE(ColorWanted(true, "1", "xterm"));
  EXPECT_FALSE(ColorWanted(true, "0", "xterm"));  // any non-empty value disables
  EXPECT_FALSE(ColorWanted(true, nullptr, "dumb"));
  EXPECT_FALSE(ColorWanted(false, nullptr, "xterm"));
}

TEST(UseColorTest, TerminalGetsColourUnlessNoColorIsSet) {
  Pty pty;
  ASSERT_GE(pty.terminal(), 0) << "cannot open a pseudo-terminal";
  ScopedEnv term("TERM", "xterm");
  {
    ScopedEnv no_color("NO_COLOR", std::nullopt);
    EXPECT_TRUE(UseColor(pty.terminal()));
  }
  {
    ScopedEnv no_color("NO_COLOR", "1");
    EXPECT_FALSE(UseColor(pty.terminal()));
  }
  {
    ScopedEnv no_color("NO_COLOR", "");
    EXPECT_TRUE(UseColor(pty.terminal()));
  }
}

TEST(UseColorTest, DumbTerminalGetsNoColour) {
  Pty pty;
  ASSERT_GE(pty.terminal(), 0) << "cannot open a pseudo-terminal";
  ScopedEnv no_color("NO_COLOR", std::nullopt);
  ScopedEnv term("TERM", "dumb");
  EXPECT_FALSE(UseColor(pty.terminal()));
}

TEST(UseColorTest, PipeGetsNoColour) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  ScopedEnv no_color("NO_COLOR", std::nullopt);
  ScopedEnv term("TERM", "xterm");
  EXPECT_FALSE(UseColor(fds[1]));
  close(fds[0]);
  close(fds[1]);
}

TEST(CanRedrawLineTest, TerminalsButNotDumbOnesNorPipes) {
  Pty pty;
  ASSERT_GE(pty.terminal(), 0) << "cannot open a pseudo-terminal";
  ScopedEnv no_color("NO_COLOR", "1");  // colour off; redrawing is still fine
  {
    ScopedEnv term("TERM", "xterm");
    EXPECT_TRUE(CanRedrawLine(pty.terminal()));
  }
  {
    ScopedEnv term("TERM", "dumb");
    EXPECT_FALSE(CanRedrawLine(pty.terminal()));
  }
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  EXPECT_FALSE(CanRedrawLine(fds[1]));
  close(fds[0]);
  close(fds[1]);
}

TEST(TerminalColumnsTest, AskTheTerminalThenColumnsThenEighty) {
  Pty pty;
  ASSERT_GE(pty.terminal(), 0) << "cannot open a pseudo-terminal";
  struct winsize size {};
  size.ws_col = 132;
  size.ws_row = 40;
  ASSERT_EQ(ioctl(pty.terminal(), TIOCSWINSZ, &size), 0);
  EXPECT_EQ(TerminalColumns(pty.terminal()), 132u);
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  {
    ScopedEnv columns("COLUMNS", "100");
    EXPECT_EQ(TerminalColumns(fds[1]), 100u);
  }
  {
    ScopedEnv columns("COLUMNS", std::nullopt);
    EXPECT_EQ(TerminalColumns(fds[1]), 80u);
  }
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace reconcile::render
