// SIGHUP for `reconcile watch --git`: "fetch the branch now", as daemons
// take it to mean "look again" (systemctl reload, kill -HUP).
#pragma once

#include "absl/status/status.h"

namespace reconcile::cli {

// Installs the handler; idempotent.
absl::Status InstallHangupHandler();

// Readable (one byte per signal) after a SIGHUP; read it empty to re-arm.
int HangupPipeReadFd();

}  // namespace reconcile::cli
