// The libvirt implementation of drivers/hypervisor.h, and its factory.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "drivers/hypervisor.h"
#include "drivers/libvirt/connection.h"

namespace reconcile::drivers::libvirt {

struct LibvirtOptions {
  // The cluster this instance acts for: it creates domains owned by it and
  // refuses to modify domains owned by any other cluster or by nobody.
  std::string cluster;
  // libvirt URIs, e.g. "qemu:///system" or "test:///abs/fixture.xml". One is
  // supported today; the list keeps the door open to several hosts.
  std::vector<std::string> uris;
  // Waiting (address discovery, graceful shutdown). Default: the real clock.
  std::shared_ptr<Clock> clock;
  // Directory (as seen by libvirtd) for each guest's serial console log,
  // "<dir>/<node>.console.log". Empty: no log file.
  std::string console_log_dir;
  // Directory (as this process sees it) where libvirtd writes each domain's
  // QEMU log "<name>.log"; its tail explains a guest that died while booting.
  // Empty: /var/log/libvirt/qemu when the URI is local, none otherwise.
  std::string qemu_log_dir;
  // Called before each creation step: "upload" (an image source only),
  // "overlay", "seed", "define", "start".
  // A non-OK status fails that step as if libvirt had (fault injection).
  std::function<absl::Status(std::string_view step)> before_create_step;
  // libvirt keepalive on the connection (connection.h): a silent link is
  // noticed after interval * (count + 1), 20 s by default.
  KeepaliveOptions keepalive;
};

// Opens the connection(s) now, so a wrong URI or a daemon that is down is
// reported at construction (kUnavailable / kInvalidArgument).
absl::StatusOr<std::unique_ptr<Hypervisor>> MakeLibvirtHypervisor(LibvirtOptions options);

// The same on a connection the caller shares (options.uris and
// options.keepalive are ignored: the connection has its own): tests
// inspect the test driver's state, which lives per connection.
absl::StatusOr<std::unique_ptr<Hypervisor>> MakeLibvirtHypervisorOn(
    LibvirtOptions options, std::shared_ptr<Connection> connection);

}  // namespace reconcile::drivers::libvirt
