#include "cli/run_program.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fmt/format.h"

namespace reconcile::cli {

absl::StatusOr<int> RunProgram(const std::vector<std::string>& argv,
                               const std::string& install_hint) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // The child reports a failed exec through this pipe (closed on success).
  int exec_error[2];
  if (pipe2(exec_error, O_CLOEXEC) != 0) {
    return absl::InternalError(fmt::format("pipe: {}", std::strerror(errno)));
  }
  struct sigaction ignore = {}, old_int = {}, old_quit = {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);
  const pid_t pid = fork();
  if (pid == 0) {
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    close(exec_error[0]);
    execvp(args[0], args.data());
    const int error = errno;
    [[maybe_unused]] ssize_t n = write(exec_error[1], &error, sizeof error);
    _exit(127);
  }
  close(exec_error[1]);
  int error = 0;
  const bool exec_failed = pid > 0 && read(exec_error[0], &error, sizeof error) == sizeof error;
  close(exec_error[0]);
  int status = 0;
  if (pid > 0) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGQUIT, &old_quit, nullptr);
  if (pid < 0) return absl::InternalError(fmt::format("fork: {}", std::strerror(errno)));
  if (exec_failed) {
    return absl::NotFoundError(
        fmt::format("cannot run {}: {} ({})", argv[0], std::strerror(error), install_hint));
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace reconcile::cli
