// Runs the built `reconcile` binary (RECONCILE_BINARY, a compile definition)
// the way a user does, capturing exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace reconcile::testing {

struct BinaryRun {
  int exit_code = -1;
  bool signalled = false;
  std::string out;
  std::string err;
};

inline std::string SlurpFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// `args` must already be shell-safe (repository paths and plain words).
inline BinaryRun RunReconcile(const std::string& args) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("reconcile-cli-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string command = std::string(RECONCILE_BINARY) + " " + args + " >" +
                              (dir / "out").string() + " 2>" + (dir / "err").string() +
                              " </dev/null";
  const int status = std::system(command.c_str());
  BinaryRun run;
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  // system() runs /bin/sh, which reports a child killed by a signal as 128+n.
  run.signalled = WIFSIGNALED(status) || run.exit_code > 128;
  run.out = SlurpFile(dir / "out");
  run.err = SlurpFile(dir / "err");
  fs::remove_all(dir);
  return run;
}

}  // namespace reconcile::testing
