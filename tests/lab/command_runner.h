// Test helper: run a shell command, capture stdout and the exit status.
#pragma once

#include <cstdio>
#include <string>
#include <sys/wait.h>

#include "base/shell_quote.h"

namespace reconcile::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout (and stderr when the command redirects it)
};

inline CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

using ::reconcile::ShellQuote;  // the project's one quoting, for commands built here

}  // namespace reconcile::testing
