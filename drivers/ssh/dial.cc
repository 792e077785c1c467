#include "drivers/ssh/dial.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>

#include "fmt/format.h"

namespace reconcile::drivers::ssh {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

// Creates a socket inside network namespace `netns`. Namespaces are per
// thread, so a throwaway thread enters it and the socket keeps it for life.
absl::StatusOr<UniqueFd> SocketInNetns(const Peer& peer, std::string_view netns, int family) {
  if (netns.empty() || netns.find('/') != std::string_view::npos || netns == "." ||
      netns == "..") {
    return absl::InvalidArgumentError(
        fmt::format("{}: bad network namespace name '{}'", Describe(peer), netns));
  }
  std::string path = fmt::format("/run/netns/{}", netns);
  int fd = -1, err = 0;
  const char* failed = "";
  std::thread worker([&] {
    UniqueFd ns(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (ns.get() < 0) {
      err = errno, failed = "open netns";
      return;
    }
    if (::setns(ns.get(), CLONE_NEWNET) != 0) {
      err = errno, failed = "setns";
      return;
    }
    fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) err = errno, failed = "socket";
  });
  worker.join();
  if (fd < 0) {
    return absl::Status(CodeForSocketErrno(err), fmt::format("{} {} for {}: {}", failed, path,
                                                             Describe(peer), std::strerror(err)));
  }
  return UniqueFd(fd);
}

void EnableKeepalives(int fd) {
  // A peer that vanishes without a FIN is noticed in ~25 s even while idle.
  int on = 1, idle = 10, interval = 5, count = 3;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

// Non-blocking connect bounded by `deadline`; 0 on success, else an errno.
int ConnectBefore(int fd, const sockaddr* addr, socklen_t len, absl::Time deadline) {
  if (::connect(fd, addr, len) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  while (true) {
    int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms <= 0) return ETIMEDOUT;
    pollfd p{fd, POLLOUT, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, 1 << 30)));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return errno;
    if (r == 0) return ETIMEDOUT;
    int err = 0;
    socklen_t errlen = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) != 0) return errno;
    return err;
  }
}

}  // namespace

absl::StatusOr<UniqueFd> Dial(const Peer& peer, std::string_view host, int port,
                              std::string_view netns, absl::Time deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port_text = std::to_string(port);
  int gai = ::getaddrinfo(std::string(host).c_str(), port_text.c_str(), &hints, &found);
  if (gai != 0) {
    return absl::UnavailableError(
        fmt::format("resolve {}: {}", Describe(peer), ::gai_strerror(gai)));
  }
  int last_err = EHOSTUNREACH;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    UniqueFd fd;
    if (netns.empty()) {
      fd = UniqueFd(::socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
      if (fd.get() < 0) {
        last_err = errno;
        continue;
      }
    } else {
      absl::StatusOr<UniqueFd> in_ns = SocketInNetns(peer, netns, a->ai_family);
      if (!in_ns.ok()) {
        ::freeaddrinfo(found);
        return in_ns.status();
      }
      fd = std::move(*in_ns);
    }
    EnableKeepalives(fd.get());
    last_err = ConnectBefore(fd.get(), a->ai_addr, a->ai_addrlen, deadline);
    if (last_err == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    if (absl::Now() >= deadline) break;
  }
  ::freeaddrinfo(found);
  return SocketError(peer, "connect", last_err);
}

}  // namespace reconcile::drivers::ssh
