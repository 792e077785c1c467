// One libvirt connection that reopens itself when the daemon went away.
#pragma once

#include <libvirt/libvirt.h>

#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "drivers/libvirt/handles.h"

namespace reconcile::drivers::libvirt {

class Connection {
 public:
  explicit Connection(std::string uri) : uri_(std::move(uri)) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A live connection: opens it on first use and reopens it when the old
  // one no longer answers (libvirtd restarted): each call checks
  // virConnectIsAlive and makes one cheap RPC (virConnectGetLibVersion).
  // kUnavailable when the daemon cannot be reached. The handle holds its own
  // reference: a call in another thread that reconnects closes only this
  // object's reference, never the connection a caller is still using.
  absl::StatusOr<ConnectionHandle> Get();

  // Drops this object's connection so the next Get() opens a new one, as a
  // failed ping does (for tests of callers holding the old one).
  void ForgetConnectionForTest();

  const std::string& uri() const { return uri_; }
  int reconnects() const { return reconnects_; }

 private:
  std::string uri_;
  std::mutex mu_;
  virConnectPtr conn_ = nullptr;
  int reconnects_ = 0;
};

}  // namespace reconcile::drivers::libvirt
