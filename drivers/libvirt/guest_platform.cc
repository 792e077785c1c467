#include "drivers/libvirt/guest_platform.h"

namespace reconcile::drivers::libvirt {

absl::StatusOr<GuestPlatform> ResolveGuestPlatform(std::string_view offered,
                                                   std::string_view requested_type,
                                                   std::string_view requested_cpu) {
  GuestPlatform platform;
  if (offered == "test") {
    platform.domain_type = "test";  // the test driver emulates no CPU
    return platform;
  }
  if (requested_type == "kvm" && offered != "kvm") {
    return absl::FailedPreconditionError(
        "domain_type kvm: this host does not offer KVM (no usable /dev/kvm); use "
        "domain_type: qemu (TCG) or auto");
  }
  platform.domain_type = requested_type == "qemu" ? "qemu" : std::string(offered);
  const bool kvm = platform.domain_type == "kvm";
  if (requested_cpu.empty() || requested_cpu == "auto") {
    // As virt-install does: the host's CPU under kvm; under TCG a model QEMU
    // emulates everywhere (what QEMU picks by default, said explicitly).
    if (kvm) {
      platform.cpu_mode = "host-passthrough";
    } else {
      platform.cpu_mode = "custom";
      platform.cpu_model = "qemu64";
    }
  } else if (requested_cpu == "host-passthrough" || requested_cpu == "host-model") {
    if (!kvm && requested_cpu == "host-passthrough") {
      return absl::FailedPreconditionError(
          "cpu host-passthrough needs domain_type kvm; under TCG (qemu) name a CPU model "
          "or use cpu: auto");
    }
    platform.cpu_mode = std::string(requested_cpu);
  } else {
    platform.cpu_mode = "custom";
    platform.cpu_model = std::string(requested_cpu);
  }
  return platform;
}

}  // namespace reconcile::drivers::libvirt
