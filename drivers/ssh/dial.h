// Opening the TCP connection libssh then runs over (handed in as SSH_OPTIONS_FD).
//
// We dial ourselves rather than letting libssh do it so that (a) the socket
// can be created inside a network namespace, (b) connect errors keep their
// errno (refused vs unreachable vs timeout) and (c) TCP keepalives are on.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "drivers/ssh/error_map.h"

namespace reconcile::drivers::ssh {

// An owned file descriptor, closed on destruction unless released.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// Resolves host and connects to host:port, trying each address until one
// answers or `deadline` passes. With a non-empty `netns` the socket is created
// inside /run/netns/<netns> (by a short-lived thread that setns()es into it;
// the calling thread never changes namespace).
absl::StatusOr<UniqueFd> Dial(const Peer& peer, std::string_view host, int port,
                              std::string_view netns, absl::Time deadline);

}  // namespace reconcile::drivers::ssh
