#include "cli/gitops/hangup_signal.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fmt/format.h"

namespace reconcile::cli {
namespace {

int g_hangup_pipe[2] = {-1, -1};

// Async-signal-safe: one write(2).
void OnHangup(int) {
  char byte = 1;
  [[maybe_unused]] ssize_t n = write(g_hangup_pipe[1], &byte, 1);
}

}  // namespace

absl::Status InstallHangupHandler() {
  if (g_hangup_pipe[0] >= 0) return absl::OkStatus();
  if (pipe2(g_hangup_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    return absl::InternalError(fmt::format("pipe: {}", std::strerror(errno)));
  }
  struct sigaction action = {};
  action.sa_handler = OnHangup;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  if (sigaction(SIGHUP, &action, nullptr) != 0) {
    return absl::InternalError(fmt::format("sigaction: {}", std::strerror(errno)));
  }
  return absl::OkStatus();
}

int HangupPipeReadFd() { return g_hangup_pipe[0]; }

}  // namespace reconcile::cli
