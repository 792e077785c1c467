// SshSession::Exec: one command on one channel, bounded in time and output.
#include <algorithm>
#include <memory>

#include "drivers/ssh/become.h"
#include "drivers/ssh/ssh_session.h"
#include "fmt/format.h"

namespace reconcile::drivers::ssh {
namespace {

struct ChannelFree {
  void operator()(ssh_channel c) const {
    if (ssh_channel_is_open(c)) ssh_channel_close(c);
    ssh_channel_free(c);
  }
};
using ChannelPtr = std::unique_ptr<std::remove_pointer_t<ssh_channel>, ChannelFree>;

// Appends `data` keeping at most `bound` bytes in `out`.
void AppendBounded(std::string& out, bool& truncated, const char* data, int n, size_t bound) {
  size_t room = bound > out.size() ? bound - out.size() : 0;
  size_t take = std::min(room, static_cast<size_t>(n));
  out.append(data, take);
  if (take < static_cast<size_t>(n)) truncated = true;
}

// Reads whatever `stream` (0 stdout, 1 stderr) has buffered without waiting.
// Returns false on a session error.
bool Drain(ssh_channel ch, int stream, std::string& out, bool& truncated, size_t bound) {
  char buf[32768];
  while (true) {
    int avail = ssh_channel_poll(ch, stream);
    if (avail == SSH_ERROR) return false;
    if (avail <= 0) return true;  // nothing buffered, or EOF
    int n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, stream);
    if (n == SSH_ERROR) return false;
    if (n <= 0) return true;
    AppendBounded(out, truncated, buf, n, bound);
  }
}

}  // namespace

absl::StatusOr<CommandResult> SshSession::Exec(std::string_view command, absl::Time deadline,
                                               size_t max_output) {
  if (become_) return ExecAsLogin(AsRoot(command), deadline, max_output);
  return ExecAsLogin(command, deadline, max_output);
}

absl::StatusOr<CommandResult> SshSession::ExecAsLogin(std::string_view command,
                                                      absl::Time deadline, size_t max_output) {
  const absl::Time start = absl::Now();
  if (!SetTimeout(deadline)) return DeadlineError(peer_, "exec", absl::ZeroDuration());
  ChannelPtr ch(ssh_channel_new(session_));
  if (!ch || ssh_channel_open_session(ch.get()) != SSH_OK) {
    health_ = SessionHealth::kBrokenBeforeRequest;
    return TransportError(peer_, "open channel", ssh_get_error(session_));
  }
  if (ssh_channel_request_exec(ch.get(), std::string(command).c_str()) != SSH_OK) {
    health_ = SessionHealth::kBroken;
    return TransportError(peer_, "exec", ssh_get_error(session_));
  }
  ssh_channel_send_eof(ch.get());  // a command reading stdin sees EOF, not a hang

  CommandResult result;
  while (true) {
    if (!Drain(ch.get(), 1, result.stderr_data, result.stderr_truncated, max_output) ||
        !Drain(ch.get(), 0, result.stdout_data, result.stdout_truncated, max_output)) {
      health_ = SessionHealth::kBroken;
      return TransportError(peer_, "read command output", ssh_get_error(session_));
    }
    if (ssh_channel_is_eof(ch.get()) && ssh_channel_poll(ch.get(), 0) <= 0 &&
        ssh_channel_poll(ch.get(), 1) <= 0) {
      break;
    }
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      // Best effort: ask sshd to kill it, then give up on this session, whose
      // state we no longer trust.
      ssh_channel_request_send_signal(ch.get(), "KILL");
      health_ = SessionHealth::kBroken;
      // The command's text is never repeated: it may carry a secret, and a
      // cut one no longer matches the redaction (the caller names the step).
      return DeadlineError(peer_, "a remote command", deadline - start);
    }
    // Waits for stdout (or EOF); a short slice keeps stderr flowing too.
    int slice = static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(left), 1, 50));
    int rc = ssh_channel_poll_timeout(ch.get(), slice, 0);
    if (rc == SSH_ERROR || ssh_is_connected(session_) != 1) {
      health_ = SessionHealth::kBroken;
      return TransportError(peer_, "read command output",
                            fmt::format("connection lost: {}", ssh_get_error(session_)));
    }
  }
  SetTimeout(deadline);
  result.exit_status = ssh_channel_get_exit_status(ch.get());
  if (result.exit_status < 0 && ssh_is_connected(session_) != 1) {
    health_ = SessionHealth::kBroken;
    return TransportError(peer_, "wait for exit status", "connection lost");
  }
  return result;
}

}  // namespace reconcile::drivers::ssh
