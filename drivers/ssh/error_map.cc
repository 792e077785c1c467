#include "drivers/ssh/error_map.h"

#include <cerrno>
#include <cstring>

#include "base/text.h"

namespace reconcile::drivers::ssh {

std::string Describe(const Peer& peer) {
  return Cat("node ", peer.node, " (", peer.address, ")");
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
  return absl::Status(CodeForSocketErrno(err), Cat(operation, " to ", Describe(peer),
                                                           ": ", std::strerror(err)));
}

absl::Status TransportError(const Peer& peer, std::string_view operation,
                            std::string_view detail) {
  return absl::UnavailableError(Cat(operation, " on ", Describe(peer), ": ", detail));
}

absl::Status AuthError(const Peer& peer, std::string_view user, std::string_view detail) {
  return absl::UnauthenticatedError(Cat(Describe(peer), " refused public-key login as '",
                                                 user, "': ", detail));
}

absl::Status DeadlineError(const Peer& peer, std::string_view operation,
                           absl::Duration allowed) {
  return absl::DeadlineExceededError(Cat(operation, " on ", Describe(peer),
                                                  " did not finish within ",
                                                  absl::FormatDuration(allowed)));
}

}  // namespace reconcile::drivers::ssh
