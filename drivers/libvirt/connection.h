// One libvirt connection that reopens itself when the daemon went away.
#pragma once

#include <libvirt/libvirt.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "drivers/libvirt/handles.h"

namespace reconcile::drivers::libvirt {

// libvirt's keepalive (virConnectSetKeepAlive) on each connection: after
// `interval_seconds` without a message from the daemon a ping is sent, and
// when `count` pings in a row went unanswered libvirt closes the connection,
// failing the call waiting on it. So a link that silently died is noticed
// interval * (count + 1) after the daemon last spoke (20 s by default)
// instead of when TCP gives up (about 15 minutes). The daemon answers pings
// from its event loop, so a long call (a shutdown, an upload) does not
// starve them. interval_seconds <= 0 turns it off.
struct KeepaliveOptions {
  int interval_seconds = 5;
  unsigned count = 3;

  // How long after the daemon's last message a dead link is detected.
  absl::Duration DetectionTime() const {
    return absl::Seconds(interval_seconds) * static_cast<double>(count + 1);
  }
};

enum class KeepaliveState {
  kOff,          // turned off by the options, or no event loop
  kOn,           // libvirt sends pings on this connection
  kUnsupported,  // the driver has none (test:///) or the daemon does not offer it
};

class Connection {
 public:
  // How long a connection that answered a round trip is trusted without
  // another: Get() runs under one mutex, and a ping per call serialised every
  // domain of a pass behind a round trip to the daemon (over qemu+ssh, one
  // network RTT each). A daemon restarted inside the window fails the next
  // call (a retryable error); the close callback or the next ping then
  // reopens.
  static constexpr absl::Duration kTrustedFor = absl::Seconds(1);

  explicit Connection(std::string uri, KeepaliveOptions keepalive = {},
                      absl::Duration trusted_for = kTrustedFor)
      : uri_(std::move(uri)), keepalive_options_(keepalive),
        trusted_for_(absl::ToChronoNanoseconds(trusted_for)) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A live connection: opens it on first use and reopens it when the old
  // one is gone: libvirt closed it (its close callback: keepalive timeout,
  // end of file) or it fails virConnectIsAlive or one cheap RPC
  // (virConnectGetLibVersion, at most once per trusted_for), as after a
  // daemon restart. kUnavailable when
  // the daemon cannot be reached; the message says why the previous
  // connection was closed when libvirt said so. The handle holds its own
  // reference: a call in another thread that reconnects closes only this
  // object's reference, never the connection a caller is still using.
  // Starts libvirt's event loop (event_loop.h) before the first open.
  absl::StatusOr<ConnectionHandle> Get();

  // Drops this object's connection so the next Get() opens a new one, as a
  // failed ping does (for tests of callers holding the old one).
  void ForgetConnectionForTest();

  const std::string& uri() const { return uri_; }
  int reconnects() const { return reconnects_; }
  // Round trips Get() made to check the connection (for tests).
  int pings() const { return pings_; }
  // Keepalive on the connection opened last (kOff before the first open).
  KeepaliveState keepalive() const { return keepalive_state_.load(); }

 private:
  // libvirt's close callback; runs on whichever thread noticed the close
  // (the event loop's or a caller's), so it only records the reason: taking
  // mu_ there could deadlock with DropLocked, which unregisters it.
  static void OnClosed(virConnectPtr conn, int reason, void* opaque);
  // Unregisters the close callback (libvirt waits for a running one) and
  // releases this object's reference.
  void DropLocked();

  std::string uri_;
  KeepaliveOptions keepalive_options_;
  std::mutex mu_;
  virConnectPtr conn_ = nullptr;
  int reconnects_ = 0;
  int pings_ = 0;
  const std::chrono::nanoseconds trusted_for_;
  // When conn_ was opened or last answered a ping (steady clock: a wall
  // clock step must not extend the trust).
  std::chrono::steady_clock::time_point verified_at_;
  // virConnectCloseReason of conn_ once libvirt closed it; -1 while open.
  std::atomic<int> closed_reason_{-1};
  // Why libvirt closed the previous connection, until a new one opens:
  // added to the error of a reconnect that fails.
  std::string lost_;
  std::atomic<KeepaliveState> keepalive_state_{KeepaliveState::kOff};
};

}  // namespace reconcile::drivers::libvirt
