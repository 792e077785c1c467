// One libvirt connection that reopens itself when the daemon went away.
#pragma once

#include <libvirt/libvirt.h>

#include <mutex>
#include <string>

#include "absl/status/statusor.h"

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
  // kUnavailable when the daemon cannot be reached. The pointer stays owned
  // by this object and valid until the next Get() that reconnects.
  absl::StatusOr<virConnectPtr> Get();

  const std::string& uri() const { return uri_; }
  int reconnects() const { return reconnects_; }

 private:
  std::string uri_;
  std::mutex mu_;
  virConnectPtr conn_ = nullptr;
  int reconnects_ = 0;
};

}  // namespace reconcile::drivers::libvirt
