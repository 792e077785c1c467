// Reading a domain's XML (as libvirt returns it) into a DomainInfo. Pure.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "drivers/hypervisor.h"

namespace reconcile::drivers::libvirt {

// Name, UUID, vCPUs, memory, disk sources, MACs and the ownership metadata.
// `state` is left kOther (it is not in the XML). A domain whose ownership
// element is missing, or present but malformed, gets an empty `owner`: it is
// treated as unmanaged and never touched.
absl::StatusOr<DomainInfo> ParseDomainXml(std::string_view xml);

}  // namespace reconcile::drivers::libvirt
