// Expansion of a validated Spec into concrete nodes, with the stable hashes
// later passes compare to detect drift.
//
// Node names are <cluster>-<group>-<index> with a 1-based index, in spec order.
// Hashes are SHA-256 over a canonical, versioned text form, so they are the
// same in every process, build and machine:
//  - image_hash: the image's boot definition (not its name), and, only when
//    they are not the defaults, firmware, arch and NICs with their addresses;
//  - hardware_hash: image_hash plus cpus, memory, disk, data disks (name,
//    size, pool; not `keep`) and autostart;
//  - role_hashes: per role of the node, the role's definition (after, steps,
//    files, outputs) rendered with the node's static values (name, group,
//    index, vars, group node names). Runtime references ({{ self.ip }},
//    {{ group.g.ips }}, {{ role.r.outputs.k }}) stay as reference text, so a
//    freshly generated join token or a new DHCP lease is not role drift.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/node.h"
#include "model/spec.h"
#include "model/template.h"

namespace reconcile::model {

// Every node of every group, groups in spec order. Fails only for a Spec that
// did not come from a successful ParseSpec (e.g. a dangling image reference).
absl::StatusOr<std::vector<Node>> ExpandSpec(const Spec& spec);

std::string ImageHash(const ImageSpec& image);
// image_hash of an expanded node: ImageHash alone unless node.custom_boot().
std::string BootHash(const Node& node);
std::string HardwareHash(const Node& node);  // node.image, cpus, memory, disk, data_disks

// The values every template of `node` may use that are known without running
// anything: self.name/group/index, group.<g>.nodes and vars (group over spec).
RenderContext StaticRenderContext(const Spec& spec, const std::vector<Node>& nodes,
                                  const Node& node);

absl::StatusOr<std::string> RoleHash(const RoleSpec& role, const RenderContext& static_context);

}  // namespace reconcile::model
