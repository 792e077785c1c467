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

// Whether the run's HOME holds an operator public key (~/.ssh/id_ed25519.pub),
// which plans check for before they plan a create. The machine's own HOME is
// never used: a developer's key must not make a test pass that CI fails.
enum class OperatorKey { kPresent, kAbsent };

// `args` must already be shell-safe (repository paths and plain words).
inline BinaryRun RunReconcile(const std::string& args, OperatorKey key = OperatorKey::kPresent) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("reconcile-cli-test-" + std::to_string(::getpid()));
  fs::create_directories(dir / "home");
  if (key == OperatorKey::kPresent) {
    fs::create_directories(dir / "home/.ssh");
    std::ofstream(dir / "home/.ssh/id_ed25519.pub")
        << "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperatorKeyForCliTests cli-test\n";
  }
  const std::string command = "HOME=" + (dir / "home").string() + " " +
                              std::string(RECONCILE_BINARY) + " " + args + " >" +
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

// A test-driver host with the networks and pool the example specs name, no
// domains (specs/testdriver-host.xml).
inline std::string LabHost() {
  return "test://" + std::filesystem::absolute("specs/testdriver-host.xml").string();
}

}  // namespace reconcile::testing
