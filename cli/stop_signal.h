// SIGINT/SIGTERM for the commands that change the cluster (apply, destroy,
// watch): the first one asks for a clean stop (the executor starts nothing
// new, running actions finish, the command says what was done and exits 130);
// a second one ends the process at once. One set of handlers per process.
#pragma once

#include <atomic>
#include <initializer_list>

#include "absl/status/status.h"

namespace reconcile::cli {

// Installs the handlers; idempotent.
absl::Status InstallStopHandlers();

// What every handler here shares: creates `pipe_fds` (non-blocking,
// close-on-exec) unless it exists, then installs `handler` for `signals`.
// The handler writes a byte to pipe_fds[1] so a poll(2) loop wakes.
absl::Status InstallPipedHandler(std::initializer_list<int> signals, void (*handler)(int),
                                 int (&pipe_fds)[2]);

// Set by the first signal.
const std::atomic<bool>& StopRequested();

// Readable (one byte per signal) once a signal came: for poll(2) loops.
int StopPipeReadFd();

// While a question waits for the operator's answer nothing is running, so the
// first signal ends the process at once (exit 130) instead of waiting.
class AnsweringScope {
 public:
  AnsweringScope();
  ~AnsweringScope();
  AnsweringScope(const AnsweringScope&) = delete;
  AnsweringScope& operator=(const AnsweringScope&) = delete;
};

// The exit status of a command stopped by SIGINT, as shells report it.
inline constexpr int kInterruptedExitCode = 130;

}  // namespace reconcile::cli
