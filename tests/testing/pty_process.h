// Runs a program on a fresh pseudo-terminal, as an operator at a terminal
// would: stdin, stdout and stderr are the terminal, so isatty() is true and
// prompts, Ctrl-C (the pty's ^C) and full-screen programs behave for real.
#pragma once

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace reconcile::testing {

class PtyProcess {
 public:
  // `command` runs under /bin/sh -c with `env` (NAME=value) added.
  explicit PtyProcess(const std::string& command, const std::vector<std::string>& env = {}) {
    struct winsize size = {.ws_row = 50, .ws_col = 200, .ws_xpixel = 0, .ws_ypixel = 0};
    pid_ = forkpty(&master_, nullptr, nullptr, &size);
    if (pid_ == 0) {
      for (const std::string& assignment : env) putenv(const_cast<char*>(assignment.c_str()));
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~PtyProcess() {
    if (pid_ > 0 && exit_code_ < 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) close(master_);
  }
  PtyProcess(const PtyProcess&) = delete;
  PtyProcess& operator=(const PtyProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Reads until `text` appears in the output (true) or `timeout` passes.
  bool WaitFor(const std::string& text, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output_.find(text, searched_from_) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !ReadSome(static_cast<int>(left.count()))) return false;
    }
    searched_from_ = output_.find(text, searched_from_) + text.size();
    return true;
  }

  // Reads until the program has put the terminal in raw mode (no ICANON), as
  // full-screen programs and `virsh console` do; true once it has. Typing
  // before that is a race: a switch made with TCSAFLUSH discards what was
  // typed, and the terminal, not the program, echoed it. On Linux a pty
  // master reports the terminal side's settings.
  bool WaitForRawMode(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      struct termios settings = {};
      if (tcgetattr(master_, &settings) == 0 && (settings.c_lflag & ICANON) == 0) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      ReadSome(20);
    }
  }

  // Types `text` (a "\x03" is Ctrl-C: the terminal turns it into SIGINT).
  void Type(const std::string& text) {
    [[maybe_unused]] ssize_t n = write(master_, text.data(), text.size());
  }

  // Reads everything until the program exits; its exit code (128+n for a
  // signal), or -1 if it is still running after `timeout` (then killed).
  int Wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        while (ReadSome(50)) {
        }
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      if (std::chrono::steady_clock::now() > deadline) return -1;
      ReadSome(50);
    }
  }

  // What was shown, as raw bytes (colour escapes, CR LF line ends).
  const std::string& output() const { return output_; }

  // The output as text: colour escapes (ESC [ ... m) and carriage returns gone.
  std::string text() const {
    std::string out;
    for (size_t i = 0; i < output_.size(); ++i) {
      if (output_[i] == '\x1b' && i + 1 < output_.size() && output_[i + 1] == '[') {
        size_t end = output_.find('m', i);
        if (end != std::string::npos) {
          i = end;
          continue;
        }
      }
      if (output_[i] != '\r') out += output_[i];
    }
    return out;
  }

 private:
  // One read with a poll timeout; false at timeout, end of file or error.
  bool ReadSome(int timeout_ms) {
    struct pollfd fd = {master_, POLLIN, 0};
    if (poll(&fd, 1, timeout_ms) <= 0) return false;
    char buffer[4096];
    const ssize_t n = read(master_, buffer, sizeof buffer);
    if (n <= 0) return false;
    output_.append(buffer, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int master_ = -1;
  int exit_code_ = -1;
  std::string output_;
  size_t searched_from_ = 0;
};

}  // namespace reconcile::testing
