#include "drivers/libvirt/connection.h"

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "drivers/libvirt/errors.h"

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

}  // namespace

Connection::~Connection() {
  if (conn_ != nullptr) virConnectClose(conn_);
}

void Connection::ForgetConnectionForTest() {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn_ != nullptr) virConnectClose(conn_);
  conn_ = nullptr;
}

absl::StatusOr<ConnectionHandle> Connection::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  auto shared = [this] {
    virConnectRef(conn_);
    return ConnectionHandle(conn_);
  };
  if (conn_ != nullptr) {
    // virConnectIsAlive alone misses a restarted daemon (its keepalive needs
    // an event loop), so also make one cheap round trip.
    unsigned long version = 0;
    if (virConnectIsAlive(conn_) == 1 && virConnectGetLibVersion(conn_, &version) == 0) {
      return shared();
    }
    virConnectClose(conn_);
    conn_ = nullptr;
    virResetLastError();
    ++reconnects_;
  }
  SilenceLibvirtErrorPrinting();
  IgnoreSigpipeOnce();
  conn_ = virConnectOpen(uri_.c_str());
  if (conn_ == nullptr) {
    return LastLibvirtError(absl::StrCat("connect to ", uri_));
  }
  return shared();
}

}  // namespace reconcile::drivers::libvirt
