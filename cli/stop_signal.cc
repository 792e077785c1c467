#include "cli/stop_signal.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fmt/format.h"

namespace reconcile::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_answering{false};
int g_stop_pipe[2] = {-1, -1};

void Say(const char* text) {
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, text, std::strlen(text));
}

// Only async-signal-safe calls: atomics, write(2), _exit(2).
void OnStopSignal(int) {
  if (g_answering.load() || g_stop.exchange(true)) {
    Say("\nreconcile: stopped at once\n");
    _exit(kInterruptedExitCode);
  }
  Say("\nreconcile: stopping: nothing new starts, running actions finish "
      "(interrupt again to stop at once)\n");
  char byte = 1;
  [[maybe_unused]] ssize_t n = write(g_stop_pipe[1], &byte, 1);
}

}  // namespace

absl::Status InstallPipedHandler(std::initializer_list<int> signals, void (*handler)(int),
                                 int (&pipe_fds)[2]) {
  if (pipe_fds[0] >= 0) return absl::OkStatus();
  if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return absl::InternalError(fmt::format("pipe: {}", std::strerror(errno)));
  }
  struct sigaction action = {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int sig : signals) {
    if (sigaction(sig, &action, nullptr) != 0) {
      return absl::InternalError(fmt::format("sigaction: {}", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

absl::Status InstallStopHandlers() { return InstallPipedHandler({SIGINT, SIGTERM}, OnStopSignal, g_stop_pipe); }

const std::atomic<bool>& StopRequested() { return g_stop; }

int StopPipeReadFd() { return g_stop_pipe[0]; }

AnsweringScope::AnsweringScope() { g_answering.store(true); }
AnsweringScope::~AnsweringScope() { g_answering.store(false); }

}  // namespace reconcile::cli
