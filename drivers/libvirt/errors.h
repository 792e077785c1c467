// libvirt errors as absl::Status values.
//
// Codes carry retry meaning (see drivers/hypervisor.h): a daemon that is down
// or an RPC that broke is kUnavailable (retry, reconnect); a missing domain is
// kNotFound; bad arguments or XML are kInvalidArgument; an operation that does
// not apply to the object's current state is kFailedPrecondition.
#pragma once

#include <libvirt/virterror.h>

#include <string_view>

#include "absl/status/status.h"

namespace reconcile::drivers::libvirt {

// The status code for a libvirt error number (virErrorNumber) raised in
// `libvirt_domain` (virErrorDomain). An internal error of libvirt's RPC
// layer is its transport giving up on a connection ("connection closed due
// to keepalive timeout", "client socket is closed"): kUnavailable, like a
// broken RPC.
absl::StatusCode StatusCodeForLibvirtError(int libvirt_code, int libvirt_domain = VIR_FROM_NONE);

// "<context>: <libvirt's message>" with the mapped code. `error` may be null
// (libvirt failed without setting an error): kUnknown.
absl::Status StatusFromLibvirtError(const virError* error, std::string_view context);

// The calling thread's last libvirt error as a Status, then resets it.
absl::Status LastLibvirtError(std::string_view context);

// Installs a no-op libvirt error callback (once per process) so libvirt never
// prints to stderr behind the program's back; errors reach the caller as
// Status values instead.
void SilenceLibvirtErrorPrinting();

}  // namespace reconcile::drivers::libvirt
