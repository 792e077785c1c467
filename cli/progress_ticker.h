// Shows that actions are running while they run, so a long create or
// configure is not mistaken for a hang.
//
// On a terminal one status line is redrawn in place below the finished-action
// lines ("[  42.0s] - 2 actions running: create lab-web-1 (40s), ..."),
// once the oldest running action has run for `show_after`; a spinner turns on
// every tick, and the line is cut to the terminal's width. Elsewhere (a CI
// log, a pipe, journald) a plain "still running: ..." line is written when
// nothing was written for `every`, so logs show life without being flooded.
// Colour (the spinner only) when `color`, which UseColor decides (NO_COLOR).
//
// The executor calls Started and Finished (serialised, from its worker
// threads); a thread of the ticker's own calls Tick. Every line written to the
// stream while actions run must go through the ticker (Finished, Print) so
// the status line is erased before it and nothing is drawn over. The
// reconciler knows nothing of this: it only calls ExecutorOptions' hooks.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "model/plan.h"
#include "reconciler/executor.h"

namespace reconcile::cli {

class ProgressTicker {
 public:
  struct Style {
    bool redraw = false;  // a terminal: one status line redrawn in place
    bool color = false;   // ANSI colour on that line
    size_t columns = 80;  // the terminal's width; the status line fits in it
    absl::Duration show_after = absl::Seconds(2);  // redraw: quiet for shorter runs
    absl::Duration every = absl::Seconds(15);      // plain: a line when quiet this long
    absl::Duration tick = absl::Milliseconds(150);  // how often the thread ticks
    bool background = true;  // run the ticking thread (tests tick by hand)
  };
  // How to show progress on `fd`: redrawn on a terminal (CanRedrawLine),
  // coloured when UseColor, plain lines otherwise.
  static Style StyleFor(int fd);

  // `prefix` starts each line the ticker writes itself (the elapsed time in
  // apply, a timestamp in watch); none when empty.
  ProgressTicker(std::ostream& out, Clock& clock, Style style,
                 std::function<std::string()> prefix = {});
  ~ProgressTicker();  // stops the thread and erases the status line
  ProgressTicker(const ProgressTicker&) = delete;
  ProgressTicker& operator=(const ProgressTicker&) = delete;

  // Sets `executor`'s on_start and on_done: each finished action is written
  // as `done_line(action, result)`, a line of its own.
  void Attach(ExecutorOptions& executor,
              std::function<std::string(const model::Action&, const ActionResult&)> done_line);

  void Started(const model::Action& action);
  // `line` (no newline) is written on a line of its own.
  void Finished(const model::Action& action, const std::string& line);
  // Any other line written to the stream while actions may run.
  void Print(const std::string& line);

  // One step of the thread: draws the status line or writes a "still
  // running" line when due. Public so tests drive it with a simulated clock.
  void Tick();

 private:
  struct Running {
    int id;
    std::string label;  // "create lab-web-1", "configure lab-db-1 [db]"
    absl::Time since;
  };
  void TickLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EraseLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WriteLineLocked(const std::string& line) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string ListLocked(absl::Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string Prefix() const { return prefix_ ? prefix_() : ""; }

  std::ostream& out_;
  Clock& clock_;
  const Style style_;
  const std::function<std::string()> prefix_;
  absl::Mutex mu_;
  std::vector<Running> running_ ABSL_GUARDED_BY(mu_);  // in start order
  bool drawn_ ABSL_GUARDED_BY(mu_) = false;  // the status line is on screen
  absl::Time quiet_since_ ABSL_GUARDED_BY(mu_);  // last line written, or the first start
  int frame_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// "[  42.0s] ": the elapsed-time prefix apply's lines share (ProgressLine).
std::function<std::string()> ElapsedPrefix(Clock& clock, absl::Time start);

// "42s", "3m05s", "1h02m": how long an action has run, in the status line.
std::string ShortDuration(absl::Duration d);

}  // namespace reconcile::cli
