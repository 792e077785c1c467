#include "drivers/ssh/error_map.h"

#include <cerrno>
#include <cstring>

#include "fmt/format.h"

namespace reconcile::drivers::ssh {

std::string Describe(const Peer& peer) {
  return fmt::format("node {} ({})", peer.node, peer.address);
}

absl::StatusCode CodeForSocketErrno(int err) {
  switch (err) {
    case ECONNREFUSED:
    case ECONNRESET:
    case ECONNABORTED:
    case ETIMEDOUT:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case ENETDOWN:
    case EHOSTDOWN:
    case EPIPE:
    case EAGAIN:
    case EINTR:
    case EADDRNOTAVAIL:
    case ENOBUFS:
    case ENOMEM:
    case EMFILE:
    case ENFILE:
      return absl::StatusCode::kUnavailable;
    case EACCES:
    case EPERM:
      return absl::StatusCode::kPermissionDenied;
    case ENOENT:
      return absl::StatusCode::kNotFound;
    case EINVAL:
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
      return absl::StatusCode::kInvalidArgument;
    default:
      return absl::StatusCode::kUnavailable;
  }
}

absl::Status SocketError(const Peer& peer, std::string_view operation, int err) {
  return absl::Status(CodeForSocketErrno(err),
                      fmt::format("{} to {}: {}", operation, Describe(peer), std::strerror(err)));
}

absl::Status TransportError(const Peer& peer, std::string_view operation,
                            std::string_view detail) {
  return absl::UnavailableError(fmt::format("{} on {}: {}", operation, Describe(peer), detail));
}

absl::Status AuthError(const Peer& peer, std::string_view user, std::string_view detail) {
  return absl::UnauthenticatedError(
      fmt::format("{} refused public-key login as '{}': {}", Describe(peer), user, detail));
}

absl::Status DeadlineError(const Peer& peer, std::string_view operation,
                           absl::Duration allowed) {
  return absl::DeadlineExceededError(fmt::format("{} on {} did not finish within {}", operation,
                                                 Describe(peer), absl::FormatDuration(allowed)));
}

}  // namespace reconcile::drivers::ssh
