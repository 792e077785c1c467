// Turning transport failures into absl::Status values with retry meaning.
//
// Pure functions: every message names the node and the address dialled, and
// the code tells the reconciler whether retrying can help (see
// drivers/node_shell.h for the contract).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace reconcile::drivers::ssh {

// Which node an error is about: "node web-1 (10.0.0.5:22)".
struct Peer {
  std::string node;
  std::string address;  // host:port as dialled
};
std::string Describe(const Peer& peer);

// errno from socket()/connect()/poll() -> code. Refused, reset, unreachable,
// timeouts and resource shortages are kUnavailable; EACCES/EPERM (a firewall
// or a netns we may not enter) kPermissionDenied; EINVAL-like kInvalidArgument.
absl::StatusCode CodeForSocketErrno(int err);

// "connect to node web-1 (10.0.0.5:22): Connection refused".
absl::Status SocketError(const Peer& peer, std::string_view operation, int err);

// The SSH connection failed or broke (kex failure, disconnect, read error).
absl::Status TransportError(const Peer& peer, std::string_view operation,
                            std::string_view detail);

// The server refused authentication as `user`.
absl::Status AuthError(const Peer& peer, std::string_view user, std::string_view detail);

// `operation` did not finish before its deadline.
absl::Status DeadlineError(const Peer& peer, std::string_view operation,
                           absl::Duration allowed);

}  // namespace reconcile::drivers::ssh
