#include "drivers/libvirt/connection.h"

#include "absl/strings/str_cat.h"
#include "drivers/libvirt/errors.h"

namespace reconcile::drivers::libvirt {

Connection::~Connection() {
  if (conn_ != nullptr) virConnectClose(conn_);
}

absl::StatusOr<virConnectPtr> Connection::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn_ != nullptr) {
    if (virConnectIsAlive(conn_) == 1) return conn_;
    virConnectClose(conn_);
    conn_ = nullptr;
    virResetLastError();
    ++reconnects_;
  }
  SilenceLibvirtErrorPrinting();
  conn_ = virConnectOpen(uri_.c_str());
  if (conn_ == nullptr) {
    return LastLibvirtError(absl::StrCat("connect to ", uri_));
  }
  return conn_;
}

}  // namespace reconcile::drivers::libvirt
