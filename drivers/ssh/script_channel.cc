// SshSession::RunScript: scripts fed to one long-lived shell per session.
#include <algorithm>

#include "drivers/ssh/become.h"
#include "drivers/ssh/ssh_session.h"
#include "fmt/format.h"

namespace reconcile::drivers::ssh {

void SshSession::DropScriptShell() {
  if (script_shell_ == nullptr) return;
  if (ssh_channel_is_open(script_shell_)) ssh_channel_close(script_shell_);
  ssh_channel_free(script_shell_);
  script_shell_ = nullptr;
}

absl::Status SshSession::EnsureScriptShell(absl::Time deadline) {
  if (script_shell_ != nullptr && ssh_channel_is_open(script_shell_) &&
      !ssh_channel_is_eof(script_shell_)) {
    return absl::OkStatus();
  }
  DropScriptShell();  // it exited (or was never started): start another
  if (!SetTimeout(deadline)) return DeadlineError(peer_, "start shell", absl::ZeroDuration());
  ssh_channel ch = ssh_channel_new(session_);
  if (ch == nullptr || ssh_channel_open_session(ch) != SSH_OK) {
    if (ch != nullptr) ssh_channel_free(ch);
    health_ = SessionHealth::kBrokenBeforeRequest;
    return TransportError(peer_, "open channel", ssh_get_error(session_));
  }
  // The login shell execs a plain sh (root's, under become) reading commands
  // from the channel.
  const std::string shell = become_ ? RootScriptShellCommand() : "exec /bin/sh";
  if (ssh_channel_request_exec(ch, shell.c_str()) != SSH_OK) {
    ssh_channel_free(ch);
    health_ = SessionHealth::kBroken;
    return TransportError(peer_, "start shell", ssh_get_error(session_));
  }
  script_shell_ = ch;
  return absl::OkStatus();
}

absl::StatusOr<std::string> SshSession::RunScript(std::string_view script,
                                                  std::string_view end_marker,
                                                  absl::Time deadline, size_t max_output) {
  const absl::Time start = absl::Now();
  if (absl::Status s = EnsureScriptShell(deadline); !s.ok()) return s;
  auto fail = [&](absl::Status status) {
    DropScriptShell();  // its state is unknown now
    health_ = SessionHealth::kBroken;
    return status;
  };
  const std::string text = fmt::format("{}\n", script);
  SetTimeout(deadline);
  if (ssh_channel_write(script_shell_, text.data(), static_cast<uint32_t>(text.size())) !=
      static_cast<int>(text.size())) {
    return fail(TransportError(peer_, "send script", ssh_get_error(session_)));
  }
  std::string out;
  char buf[16384];
  while (out.find(end_marker) == std::string::npos) {
    // stderr is not part of the answer: drain it so the window stays open.
    while (ssh_channel_poll(script_shell_, 1) > 0 &&
           ssh_channel_read_nonblocking(script_shell_, buf, sizeof buf, 1) > 0) {
    }
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return fail(DeadlineError(peer_, "probe script", deadline - start));
    }
    int slice = static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(left), 1, 50));
    int n = ssh_channel_read_timeout(script_shell_, buf, sizeof buf, 0, slice);
    if (n == SSH_ERROR || ssh_is_connected(session_) != 1) {
      return fail(TransportError(peer_, "read script output", ssh_get_error(session_)));
    }
    if (n == 0 && ssh_channel_is_eof(script_shell_)) {
      return fail(absl::UnavailableError(
          fmt::format("the shell on {} exited before finishing the script", Describe(peer_))));
    }
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_output) {
      return fail(absl::DataLossError(
          fmt::format("script output from {} exceeded {} bytes", Describe(peer_), max_output)));
    }
  }
  return out;
}

}  // namespace reconcile::drivers::ssh
