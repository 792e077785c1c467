// Wiring: one libvirt Hypervisor per hypervisor host of the spec.
#pragma once

#include <memory>
#include <ostream>
#include <vector>

#include "absl/status/statusor.h"
#include "drivers/hypervisor.h"
#include "model/spec.h"

namespace reconcile::cli {

// One driver per spec host, in spec order. A one-host spec connects now and
// fails as it always did. With several hosts, a host that is down at start
// (kUnavailable) gets a driver that tries to connect again on every call, so
// the pass reports it unreachable and it joins in once it is back; any other
// error (a malformed URI) fails at once. Errors are printed to `err`.
absl::StatusOr<std::vector<std::unique_ptr<drivers::Hypervisor>>> OpenHosts(
    const model::Spec& spec, std::ostream& err);

}  // namespace reconcile::cli
