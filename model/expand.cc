#include "model/expand.h"

#include <algorithm>
#include <optional>
#include <set>

#include "fmt/format.h"
#include "model/canonical_field.h"
#include "model/nic_address.h"
#include "model/role_hasher.h"
#include "model/role_graph.h"
#include "model/sha256.h"

namespace reconcile::model {
namespace {

// Only when there are any, so nodes without data disks keep the hashes their
// domains record. By name: reordering the list changes no disk. `keep` is
// left out: it decides what a replace does, not what the machine is.
void AppendDataDisks(std::string& out, const std::vector<DataDiskSpec>& disks) {
  std::vector<const DataDiskSpec*> by_name;
  for (const DataDiskSpec& disk : disks) by_name.push_back(&disk);
  std::sort(by_name.begin(), by_name.end(),
            [](const DataDiskSpec* a, const DataDiskSpec* b) { return a->name < b->name; });
  for (const DataDiskSpec* disk : by_name) {
    AppendField(out, "data-disk", disk->name);
    AppendField(out, "data-disk-size", disk->size_bytes);
    AppendField(out, "data-disk-pool", disk->pool);
  }
}

// BootHash and HardwareHash given ImageHash(node.image), which expansion
// computes once per group rather than twice per node.
std::string BootHashWithImage(const Node& node, std::string_view image_hash) {
  if (!node.custom_boot()) return std::string(image_hash);
  std::string canonical = "boot/v1\n";
  AppendField(canonical, "image", image_hash);
  AppendField(canonical, "firmware", node.firmware);
  AppendField(canonical, "arch", node.arch);
  for (const NodeNic& nic : node.nics) {
    AppendField(canonical, "network", nic.network);
    AppendField(canonical, "bridge", nic.bridge);
    AppendField(canonical, "address", nic.address);
    AppendField(canonical, "gateway", nic.gateway);
    for (const std::string& server : nic.dns) AppendField(canonical, "dns", server);
  }
  return Sha256Hex(canonical);
}

// `image_hash` is empty for existing machines.
std::string HardwareHashWithImage(const Node& node, std::string_view image_hash) {
  std::string canonical = "hardware/v1\n";
  AppendField(canonical, "existing", node.existing ? std::string_view(node.address) : "");
  AppendField(canonical, "image", image_hash);
  AppendField(canonical, "cpus", node.cpus);
  AppendField(canonical, "memory", node.memory_bytes);
  AppendField(canonical, "disk", node.disk_bytes);
  // Only when set, so nodes without them keep the hashes they record.
  if (node.custom_boot()) AppendField(canonical, "boot", node.image_hash);
  if (node.autostart) AppendField(canonical, "autostart", "true");
  AppendDataDisks(canonical, node.data_disks);
  return Sha256Hex(canonical);
}

}  // namespace

std::string ImageHash(const ImageSpec& image) {
  std::string canonical = "image/v1\n";
  AppendField(canonical, "disk", image.disk);
  AppendField(canonical, "kernel", image.kernel);
  AppendField(canonical, "initrd", image.initrd);
  AppendField(canonical, "cmdline", image.cmdline);
  AppendField(canonical, "seed", image.seed ? "true" : "false");
  // Only when set, so images without it keep the hashes their nodes record.
  if (!image.source.empty()) AppendField(canonical, "source", image.source);
  return Sha256Hex(canonical);
}

std::string BootHash(const Node& node) { return BootHashWithImage(node, ImageHash(node.image)); }

std::string HardwareHash(const Node& node) {
  return HardwareHashWithImage(node, node.existing ? "" : ImageHash(node.image));
}

RenderContext StaticRenderContext(const Spec& spec, const std::vector<Node>& nodes,
                                  const Node& node) {
  RenderContext context;
  context.self_name = node.name;
  context.self_group = node.group;
  context.self_index = node.index;
  for (const auto& group : spec.groups) {
    context.group_nodes[group.name];  // empty groups too
    context.groups[group.name] = {group.count, group.cpus, group.memory_bytes >> 20};
  }
  for (const Node& other : nodes) context.group_nodes[other.group].push_back(other.name);
  for (const auto& var : spec.vars) context.vars[var.name] = var.value;
  if (const GroupSpec* group = spec.FindGroup(node.group)) {
    for (const auto& var : group->vars) context.vars[var.name] = var.value;
  }
  return context;
}

absl::StatusOr<std::string> RoleHash(const RoleSpec& role, const RenderContext& context) {
  return RoleHasher(role).ForGroup(context).Hash(context);
}

absl::StatusOr<std::vector<Node>> ExpandSpec(const Spec& spec) {
  std::vector<Node> nodes;
  size_t total = 0;
  for (const GroupSpec& group : spec.groups) total += static_cast<size_t>(std::max(group.count, 0));
  nodes.reserve(total);
  const std::vector<std::string> role_order = OrderRoles(spec.roles);
  for (const GroupSpec& group : spec.groups) {
    const bool existing = !group.hosts.empty();
    const ImageSpec* image = existing ? nullptr : spec.FindImage(group.image);
    if (!existing && image == nullptr) {
      return absl::InvalidArgumentError(
          fmt::format("group '{}' uses unknown image '{}'", group.name, group.image));
    }
    const std::string image_hash = existing ? "" : ImageHash(*image);
    const std::set<std::string> wanted(group.roles.begin(), group.roles.end());
    std::vector<std::string> roles;
    for (const auto& role : role_order) {
      if (wanted.contains(role)) roles.push_back(role);
    }
    std::string group_hardware_hash;
    for (int index = 1; index <= group.count; ++index) {
      Node node;
      node.name = fmt::format("{}-{}-{}", spec.cluster, group.name, index);
      node.group = group.name;
      node.index = index;
      node.existing = existing;
      if (existing) {
        node.address = group.hosts[index - 1];
      } else {
        node.image = *image;
        node.cpus = group.cpus;
        node.memory_bytes = group.memory_bytes;
        node.disk_bytes = group.disk_bytes;
        node.firmware = group.firmware;
        node.arch = group.arch;
        node.autostart = group.autostart;
        for (const NicSpec& nic : group.networks) {
          absl::StatusOr<std::string> address = StaticAddressFor(nic, index);
          if (!address.ok()) return address.status();  // validation reports it first
          node.nics.push_back(NodeNic{nic.network, nic.bridge, *address, nic.gateway, nic.dns});
        }
        node.image_hash = BootHashWithImage(node, image_hash);
        node.data_disks = group.disks;
      }
      node.roles = roles;
      // Every node of a group has the same hardware hash unless it takes in
      // something of the node's own: an existing machine's address, or the
      // per-node NIC addresses in a custom boot's image_hash.
      if (group_hardware_hash.empty() || node.existing || node.custom_boot()) {
        group_hardware_hash = HardwareHashWithImage(node, image_hash);
      }
      node.hardware_hash = group_hardware_hash;
      nodes.push_back(std::move(node));
    }
  }
  // One context reused for all nodes: rebuilding group_nodes per node would
  // make expansion quadratic in the number of nodes. Nodes come group by
  // group, and within a group only self.* changes.
  RenderContext context;
  if (!nodes.empty()) context = StaticRenderContext(spec, nodes, nodes.front());
  std::vector<RoleHasher> role_hashers;  // parallel to spec.roles
  role_hashers.reserve(spec.roles.size());
  for (const RoleSpec& role : spec.roles) role_hashers.emplace_back(role);
  std::vector<std::optional<GroupRoleHasher>> group_hashers(spec.roles.size());
  const std::string* current_group = nullptr;
  for (Node& node : nodes) {
    if (current_group == nullptr || node.group != *current_group) {
      current_group = &node.group;
      context.vars.clear();
      for (const auto& var : spec.vars) context.vars[var.name] = var.value;
      for (const auto& var : spec.FindGroup(node.group)->vars) context.vars[var.name] = var.value;
      for (auto& hasher : group_hashers) hasher.reset();
    }
    context.self_name = node.name;
    context.self_group = node.group;
    context.self_index = node.index;
    for (const auto& role_name : node.roles) {
      const size_t r = static_cast<size_t>(spec.FindRole(role_name) - spec.roles.data());
      if (!group_hashers[r]) group_hashers[r] = role_hashers[r].ForGroup(context);
      absl::StatusOr<std::string> hash = group_hashers[r]->Hash(context);
      if (!hash.ok()) {
        return absl::InvalidArgumentError(
            fmt::format("role '{}': {}", role_name, std::string(hash.status().message())));
      }
      node.role_hashes[role_name] = *std::move(hash);
    }
  }
  return nodes;
}

}  // namespace reconcile::model
