#include "drivers/ssh/jump_tunnel.h"

#include <libssh/libssh.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "base/text.h"
#include "drivers/ssh/ssh_session.h"
#include "fmt/format.h"

namespace reconcile::drivers::ssh {
namespace {

bool WriteAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

absl::StatusOr<JumpHost> ParseJumpHost(std::string_view spec, std::string_view default_user) {
  JumpHost j;
  j.user = std::string(default_user);
  std::string_view rest = spec;
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    j.user = std::string(rest.substr(0, at));
    rest = rest.substr(at + 1);
  }
  std::string_view port;
  bool has_port = false;
  if (!rest.empty() && rest.front() == '[') {  // [v6]:port
    size_t close = rest.find(']');
    if (close == std::string_view::npos) rest = {};
    else {
      j.host = std::string(rest.substr(1, close - 1));
      if (close + 1 < rest.size() && rest[close + 1] == ':') {
        port = rest.substr(close + 2);
        has_port = true;
      }
    }
  } else {
    size_t colon = rest.find(':');
    j.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = rest.substr(colon + 1);
      has_port = true;
    }
  }
  if (has_port &&
      (!absl::SimpleAtoi(std::string(port), &j.port) || j.port <= 0 || j.port > 65535)) {
    j.host.clear();
  }
  if (j.host.empty() || j.user.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("jump_host '{}' is not [user@]host[:port]", spec));
  }
  return j;
}

absl::StatusOr<std::unique_ptr<JumpTunnel>> JumpTunnel::Open(const SshTarget& target,
                                                             absl::Time deadline,
                                                             int* libssh_fd) {
  absl::StatusOr<JumpHost> spec = ParseJumpHost(target.jump_host, target.user);
  if (!spec.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("node {}: {}", target.node, std::string(spec.status().message())));
  }
  SshTarget via;
  via.node = fmt::format("{}'s jump host", target.node);
  via.host = spec->host;
  via.port = spec->port;
  via.user = spec->user;
  via.identity_file = target.identity_file;
  via.known_hosts_file = target.known_hosts_file;
  via.accept_unknown_host_keys = target.accept_unknown_host_keys;
  via.connect_timeout = target.connect_timeout;
  via.netns = target.netns;
  std::unique_ptr<JumpTunnel> tunnel(new JumpTunnel());
  absl::StatusOr<std::unique_ptr<SshSession>> jump = SshSession::Connect(via, deadline);
  if (!jump.ok()) return jump.status();
  tunnel->jump_ = *std::move(jump);

  ssh_session s = tunnel->jump_->handle();
  ssh_channel ch = ssh_channel_new(s);
  if (ch == nullptr) return absl::ResourceExhaustedError("ssh_channel_new failed");
  tunnel->channel_ = ch;
  if (ssh_channel_open_forward(ch, target.host.c_str(), target.port, "127.0.0.1", 22) != SSH_OK) {
    return absl::UnavailableError(fmt::format("jump host {} could not reach node {} ({}:{}): {}",
                                              spec->host, target.node, target.host, target.port,
                                              ssh_get_error(s)));
  }
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return absl::ResourceExhaustedError(fmt::format("socketpair: {}", std::strerror(errno)));
  }
  tunnel->local_fd_ = fds[1];
  *libssh_fd = fds[0];
  tunnel->pump_ = std::thread([t = tunnel.get()] { t->Pump(); });
  return tunnel;
}

void JumpTunnel::Pump() {
  ssh_channel ch = static_cast<ssh_channel>(channel_);
  const int ssh_fd = ssh_get_fd(jump_->handle());
  char buf[32768];
  while (!stop_) {
    bool failed = false;
    while (true) {  // what libssh has (reading also processes new packets)
      int n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, 0);
      if (n == SSH_ERROR || (n > 0 && !WriteAll(local_fd_, buf, static_cast<size_t>(n)))) {
        failed = true;
      }
      if (n <= 0 || failed) break;
    }
    if (failed || ssh_channel_is_eof(ch) || ssh_is_connected(jump_->handle()) != 1) break;
    pollfd p[2] = {{ssh_fd, POLLIN, 0}, {local_fd_, POLLIN, 0}};
    int r = ::poll(p, 2, 100);  // 100 ms: how soon a stop request is seen
    if (r < 0 && errno != EINTR) break;
    if (r > 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = ::read(local_fd_, buf, sizeof buf);
      if (n <= 0) break;  // the target session closed its end
      if (ssh_channel_write(ch, buf, static_cast<uint32_t>(n)) != n) break;
    }
  }
  ::shutdown(local_fd_, SHUT_RDWR);  // the target session sees the tunnel end
}

JumpTunnel::~JumpTunnel() {
  stop_ = true;
  if (pump_.joinable()) pump_.join();
  if (channel_ != nullptr) {
    ssh_channel ch = static_cast<ssh_channel>(channel_);
    if (ssh_channel_is_open(ch)) ssh_channel_close(ch);
    ssh_channel_free(ch);
  }
  if (local_fd_ >= 0) ::close(local_fd_);
  // jump_ (the session) goes last, after its channel.
}

}  // namespace reconcile::drivers::ssh
