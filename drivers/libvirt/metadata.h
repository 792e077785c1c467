// The ownership metadata element this tool writes into a domain's <metadata>
// (namespace kOwnershipNamespace, prefix "reconcile"). Pure: strings in and out.
//
//   <reconcile:node xmlns:reconcile="https://reconcile.dev/xmlns/domain/1">
//     <reconcile:cluster>lab</reconcile:cluster>
//     <reconcile:group>worker</reconcile:group>
//     <reconcile:index>2</reconcile:index>
//     <reconcile:hardware-hash>9f2c...</reconcile:hardware-hash>
//     <reconcile:host-key>ssh-ed25519 AAAA...</reconcile:host-key>
//     <reconcile:volumes>
//       <reconcile:volume pool="default" name="lab-worker-2-overlay.qcow2"/>
//       <reconcile:volume pool="default" name="lab-worker-2-disk.data.qcow2"
//                         disk="data" bytes="53687091200"/>
//     </reconcile:volumes>
//   </reconcile:node>
#pragma once

#include <libxml/tree.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "drivers/hypervisor.h"

namespace reconcile::drivers::libvirt {

inline constexpr std::string_view kOwnershipPrefix = "reconcile";
inline constexpr std::string_view kOwnershipElement = "node";

// The element above, indented by `indent` spaces on every line.
// `prefixed` false: plain element names and no namespace declaration, as
// virDomainSetMetadata wants them (it applies the prefix and namespace).
std::string RenderOwnershipXml(const Ownership& owner, int indent = 0, bool prefixed = true);

// Parses the element (as returned by virDomainGetMetadata or found in a
// domain's XML). kInvalidArgument names the missing or malformed field.
absl::StatusOr<Ownership> ParseOwnershipXml(std::string_view xml);
absl::StatusOr<Ownership> ParseOwnershipElement(xmlNode* element);

// True when `element` is our ownership element (right namespace and name).
bool IsOwnershipElement(const xmlNode* element);

}  // namespace reconcile::drivers::libvirt
