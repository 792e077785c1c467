#include "cli/gitops/hangup_signal.h"

#include <signal.h>
#include <unistd.h>

#include "cli/stop_signal.h"

namespace reconcile::cli {
namespace {

int g_hangup_pipe[2] = {-1, -1};

// Async-signal-safe: one write(2).
void OnHangup(int) {
  char byte = 1;
  [[maybe_unused]] ssize_t n = write(g_hangup_pipe[1], &byte, 1);
}

}  // namespace

absl::Status InstallHangupHandler() { return InstallPipedHandler({SIGHUP}, OnHangup, g_hangup_pipe); }

int HangupPipeReadFd() { return g_hangup_pipe[0]; }

}  // namespace reconcile::cli
