// ProxyJump: reaching a node through another SSH server.
//
// The jump host is dialled and verified like any node (its key must be in the
// target's known_hosts file, or trust-on-first-use must be on: the expected
// keys of the target are not the jump host's), then a direct-tcpip channel to
// the node is opened on it. libssh cannot run a session over a channel, so a
// socketpair bridges the two: libssh gets one end as SSH_OPTIONS_FD and a pump
// thread, the only user of the jump session, copies bytes both ways.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "drivers/node_shell.h"

namespace reconcile::drivers::ssh {

class SshSession;

struct JumpHost {
  std::string user;
  std::string host;
  int port = 22;
};

// Parses "[user@]host[:port]" (IPv6 as "[addr]:port"); user defaults to
// `default_user`. Pure.
absl::StatusOr<JumpHost> ParseJumpHost(std::string_view spec, std::string_view default_user);

class JumpTunnel {
 public:
  // Connects to target.jump_host and opens a channel to target.host:port.
  // On success *libssh_fd is the socket end the target session must use.
  static absl::StatusOr<std::unique_ptr<JumpTunnel>> Open(const SshTarget& target,
                                                          absl::Time deadline, int* libssh_fd);
  ~JumpTunnel();  // stops the pump; closes the channel and the jump session

 private:
  JumpTunnel() = default;
  void Pump();

  std::unique_ptr<SshSession> jump_;
  void* channel_ = nullptr;  // ssh_channel, owned
  int local_fd_ = -1;        // the pump's end of the socketpair
  std::atomic<bool> stop_{false};
  std::thread pump_;
};

}  // namespace reconcile::drivers::ssh
