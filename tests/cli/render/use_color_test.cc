// This test verifies that colour is used only on a terminal, that NO_COLOR (set
// and non-empty) and TERM=dumb turn it off, on a real pseudo-terminal and pipe.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "cli/render/plan_text.h"
#include "gtest/gtest.h"

namespace reconcile::render {
namespace {

// Sets (or unsets, with nullopt) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A pseudo-terminal pair, closed on scope exit.
class Pty {
 public:
  Pty() {
    master_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) return;
    const char* name = ptsname(master_);
    if (name != nullptr) slave_ = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  }
  ~Pty() {
    if (slave_ >= 0) close(slave_);
    if (master_ >= 0) close(master_);
  }
  int terminal() const { return slave_; }

 private:
  int master_ = -1;
  int slave_ = -1;
};

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

}  // namespace
}  // namespace reconcile::render
