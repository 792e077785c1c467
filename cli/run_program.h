// Running another program in the foreground (ssh, virsh), the way a shell
// does: it gets the terminal, and reconcile waits for it.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace reconcile::cli {

// Runs argv[0] (looked up in PATH) with our stdin/stdout/stderr and returns
// its exit status (128 + n when signal n ended it). SIGINT and SIGQUIT are
// ignored here while it runs, so Ctrl-C reaches only the program.
// kNotFound when argv[0] cannot be run, naming `install_hint`.
absl::StatusOr<int> RunProgram(const std::vector<std::string>& argv,
                               const std::string& install_hint);

}  // namespace reconcile::cli
