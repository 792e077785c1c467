#include "drivers/libvirt/connection.h"

#include <signal.h>

#include "drivers/libvirt/errors.h"
#include "drivers/libvirt/event_loop.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

// libvirt's client writes to its socket without MSG_NOSIGNAL and documents
// that applications must ignore SIGPIPE: otherwise the first call after the
// daemon went away kills the process instead of returning an error that
// triggers the reconnect below. Only a default disposition is replaced.
void IgnoreSigpipeOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      signal(SIGPIPE, SIG_IGN);
    }
  });
}

std::string CloseReasonText(int reason, const KeepaliveOptions& keepalive) {
  switch (reason) {
    case VIR_CONNECT_CLOSE_REASON_KEEPALIVE:
      return fmt::format("no answer to {} keepalive pings in {}", keepalive.count,
                         absl::FormatDuration(keepalive.DetectionTime()));
    case VIR_CONNECT_CLOSE_REASON_EOF:
      return "the daemon or its transport ended it";
    case VIR_CONNECT_CLOSE_REASON_ERROR:
      return "a read or write on it failed";
    default:
      return "closed by libvirt";
  }
}

// Keepalive for a freshly opened connection. libvirt returns -1 when the
// driver has no keepalive at all (the in-process test driver) and 1 when
// the daemon does not offer it; neither is an error for the connection,
// which works as before, just without a bound on a silent link.
KeepaliveState StartKeepalive(virConnectPtr conn, const KeepaliveOptions& options,
                              bool event_loop) {
  if (!event_loop || options.interval_seconds <= 0) return KeepaliveState::kOff;
  const int rc = virConnectSetKeepAlive(conn, options.interval_seconds, options.count);
  if (rc == 0) return KeepaliveState::kOn;
  virResetLastError();
  return KeepaliveState::kUnsupported;
}

}  // namespace

Connection::~Connection() { DropLocked(); }

void Connection::OnClosed(virConnectPtr /*conn*/, int reason, void* opaque) {
  static_cast<Connection*>(opaque)->closed_reason_.store(reason);
}

void Connection::DropLocked() {
  if (conn_ == nullptr) return;
  // Fails harmlessly when libvirt already ran and reset the callback.
  virConnectUnregisterCloseCallback(conn_, &Connection::OnClosed);
  virConnectClose(conn_);
  virResetLastError();
  conn_ = nullptr;
}

void Connection::ForgetConnectionForTest() {
  std::lock_guard<std::mutex> lock(mu_);
  DropLocked();
}

absl::StatusOr<ConnectionHandle> Connection::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  auto shared = [this] {
    virConnectRef(conn_);
    return ConnectionHandle(conn_);
  };
  if (conn_ != nullptr) {
    // A connection libvirt closed is dead whatever the checks below say.
    // virConnectIsAlive alone misses a restarted daemon until the event
    // loop has read the end of file, so also make one cheap round trip
    // (bounded by keepalive on a silent link).
    unsigned long version = 0;
    const auto now = std::chrono::steady_clock::now();
    if (closed_reason_.load() < 0 && virConnectIsAlive(conn_) == 1) {
      if (now - verified_at_ < trusted_for_) return shared();
      ++pings_;
      if (virConnectGetLibVersion(conn_, &version) == 0) {
        verified_at_ = now;
        return shared();
      }
    }
    // Read again: a ping that just failed ran the close callback itself.
    const int closed = closed_reason_.load();
    if (closed >= 0) lost_ = CloseReasonText(closed, keepalive_options_);
    DropLocked();
    ++reconnects_;
  }
  SilenceLibvirtErrorPrinting();
  IgnoreSigpipeOnce();
  // Before the open: libvirt only wires a connection to an event loop that
  // is registered when it is opened.
  const bool event_loop = StartLibvirtEventLoop();
  conn_ = virConnectOpen(uri_.c_str());
  if (conn_ == nullptr) {
    absl::Status status = LastLibvirtError(fmt::format("connect to {}", uri_));
    if (lost_.empty()) return status;
    return absl::Status(status.code(), fmt::format("{} (the previous connection was closed: {})",
                                                   std::string(status.message()), lost_));
  }
  lost_.clear();
  closed_reason_.store(-1);
  verified_at_ = std::chrono::steady_clock::now();
  if (virConnectRegisterCloseCallback(conn_, &Connection::OnClosed, this, nullptr) < 0) {
    virResetLastError();  // the IsAlive check and the ping still notice a dead one
  }
  keepalive_state_.store(StartKeepalive(conn_, keepalive_options_, event_loop));
  return shared();
}

}  // namespace reconcile::drivers::libvirt
