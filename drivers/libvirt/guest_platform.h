// Which accelerator and CPU a node's domain gets (pure): the host's offer and
// the spec's `domain_type` / `cpu` in, what goes into the domain XML out.
//
// "kvm is offered" does not mean "kvm works" (a nested host can offer a
// /dev/kvm whose guests die at once), so `domain_type: qemu` forces TCG, and
// `auto` takes kvm only when libvirt offers it.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace reconcile::drivers::libvirt {

struct GuestPlatform {
  std::string domain_type;  // "kvm", "qemu" or "test"
  std::string cpu_mode;     // "host-passthrough", "host-model", "custom"; empty: none
  std::string cpu_model;    // with "custom"
  friend bool operator==(const GuestPlatform&, const GuestPlatform&) = default;
};

// `offered`: "test" for libvirt's test driver, "kvm" when the host offers
// kvm, else "qemu". `requested_type`: auto | kvm | qemu. `requested_cpu`:
// auto | host-passthrough | host-model | a model name. kFailedPrecondition
// when the host cannot give what was asked (kvm not offered;
// host-passthrough under TCG, which QEMU refuses).
absl::StatusOr<GuestPlatform> ResolveGuestPlatform(std::string_view offered,
                                                   std::string_view requested_type,
                                                   std::string_view requested_cpu);

}  // namespace reconcile::drivers::libvirt
