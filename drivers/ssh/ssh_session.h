// One authenticated, host-key-verified libssh session to one node.
//
// Not thread-safe (libssh sessions are not): the pool hands a session to one
// thread at a time. Every operation is bounded by a deadline. After a
// transport failure or a missed deadline the session reports itself unhealthy
// and the pool replaces it; a failure to even open a channel is reported
// separately so a stale pooled session can be replaced transparently without
// risking running a command twice.
#pragma once

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "drivers/node_shell.h"
#include "drivers/ssh/error_map.h"
#include "drivers/ssh/jump_tunnel.h"

namespace reconcile::drivers::ssh {

enum class SessionHealth {
  kOk,
  kBrokenBeforeRequest,  // died before the request reached the node: safe to retry
  kBroken,               // died (or timed out) with the request possibly in flight
};

class SshSession {
 public:
  // Dials (inside target.netns when set, or through target.jump_host), performs the SSH handshake, verifies
  // the host key (see host_key_policy.h) and authenticates.
  static absl::StatusOr<std::unique_ptr<SshSession>> Connect(const SshTarget& target,
                                                             absl::Time deadline);
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  const Peer& peer() const { return peer_; }
  ssh_session handle() const { return session_; }  // for the jump tunnel's pump only
  SessionHealth health() const { return health_; }
  bool IsConnected() const;

  // Runs `command` on a new channel (as root through sudo when the target
  // asked for `become`, become.h); stdout and stderr are each kept up to
  // `max_output` bytes (the rest is drained and dropped, flagged truncated).
  absl::StatusOr<CommandResult> Exec(std::string_view command, absl::Time deadline,
                                     size_t max_output);

  // Feeds `script` to a long-lived /bin/sh on this session (started on first
  // use, script_channel.cc) and returns its stdout up to and including
  // `end_marker`, which the script must print last. One round trip and no
  // process start per call: what makes warm probes cheap for the node.
  absl::StatusOr<std::string> RunScript(std::string_view script, std::string_view end_marker,
                                        absl::Time deadline, size_t max_output);

  // SFTP, on one subsystem channel opened on first use (sftp_ops.cc). Under
  // `become` SFTP only stages an upload in the login user's home, and reads
  // go through sudo instead.
  absl::Status Upload(std::string_view path, std::string_view content, uint32_t mode,
                      std::string_view owner, absl::Time deadline);
  absl::StatusOr<std::string> ReadFile(std::string_view path, size_t max_bytes,
                                       absl::Time deadline);

 private:
  SshSession(ssh_session session, Peer peer) : session_(session), peer_(std::move(peer)) {}
  // Bounds libssh's blocking calls by `deadline`; false when it already passed.
  bool SetTimeout(absl::Time deadline);
  // Exec of `command` exactly as given, as the login user.
  absl::StatusOr<CommandResult> ExecAsLogin(std::string_view command, absl::Time deadline,
                                            size_t max_output);
  // Under `become`: fails with kFailedPrecondition unless sudo runs without a password.
  absl::Status CheckSudo(absl::Time deadline);
  absl::Status UploadAsRoot(std::string_view path, std::string_view content, uint32_t mode,
                            std::string_view owner, absl::Time deadline);
  absl::StatusOr<std::string> ReadFileAsRoot(std::string_view path, size_t max_bytes,
                                             absl::Time deadline);
  absl::Status EnsureSftp(absl::Time deadline);
  // Creates `file_path` (O_EXCL, 0600) over SFTP holding `content`, fsynced.
  absl::Status WriteNewFile(const std::string& file_path, std::string_view for_path,
                            std::string_view content, absl::Time deadline);
  absl::Status SftpError(std::string_view operation, std::string_view path);
  absl::Status EnsureScriptShell(absl::Time deadline);
  void DropScriptShell();

  ssh_session session_;
  sftp_session sftp_ = nullptr;
  ssh_channel script_shell_ = nullptr;
  std::unique_ptr<JumpTunnel> tunnel_;  // set when dialled through a jump host
  // The socket handed to libssh with SSH_OPTIONS_FD: libssh 0.10 does not
  // close such a socket, so we do, after ssh_free, if it is still ours.
  int socket_fd_ = -1;
  unsigned long socket_inode_ = 0;
  Peer peer_;
  SessionHealth health_ = SessionHealth::kOk;
  bool become_ = false;  // SshTarget::become
};

}  // namespace reconcile::drivers::ssh
