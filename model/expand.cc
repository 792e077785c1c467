#include "model/expand.h"

#include <algorithm>
#include <set>

#include "base/status_macros.h"
#include "fmt/format.h"
#include "model/canonical_field.h"
#include "model/nic_address.h"
#include "model/role_graph.h"
#include "model/sha256.h"

namespace reconcile::model {
namespace {

absl::Status AppendRendered(std::string& out, std::string_view key, const std::string& text,
                            const RenderContext& context, Quoting quoting) {
  Template tmpl;
  if (auto error = ParseTemplate(text, tmpl)) {
    return absl::InvalidArgumentError(fmt::format("{}: {}", key, error->message));
  }
  absl::StatusOr<std::string> rendered = Render(tmpl, context, quoting, Missing::kKeepReference);
  if (!rendered.ok()) return rendered.status();
  AppendField(out, key, *rendered);
  return absl::OkStatus();
}

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
  std::string canonical = "role/v1\n";
  AppendField(canonical, "name", role.name);
  for (const auto& after : role.after) AppendField(canonical, "after", after);
  for (const auto& step : role.steps) {
    AppendField(canonical, "step", step.name);
    RETURN_IF_ERROR(AppendRendered(canonical, "run", step.run, context, Quoting::kShell));
    RETURN_IF_ERROR(AppendRendered(canonical, "check", step.check, context, Quoting::kShell));
    for (const auto& file : step.files) {
      AppendField(canonical, "file", file.path);
      RETURN_IF_ERROR(AppendRendered(canonical, "content", file.content, context, Quoting::kNone));
      AppendField(canonical, "mode", file.mode);
      AppendField(canonical, "owner", file.owner);
    }
    // Only present for nixos steps, so the hashes of other roles are unchanged.
    if (step.nixos) {
      AppendField(canonical, "nixos", step.nixos->module_path);
      RETURN_IF_ERROR(
          AppendRendered(canonical, "module", step.nixos->module, context, Quoting::kNone));
      AppendField(canonical, "rebuild",
            step.nixos->rebuild == NixosSpec::Rebuild::kTest ? "test" : "switch");
    }
  }
  for (const auto& output : role.outputs) {
    AppendField(canonical, "output", output.name);
    RETURN_IF_ERROR(AppendRendered(canonical, "command", output.command, context, Quoting::kShell));
    AppendField(canonical, "secret", output.secret ? "true" : "false");
  }
  return Sha256Hex(canonical);
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
  // make expansion quadratic in the number of nodes.
  RenderContext context;
  if (!nodes.empty()) context = StaticRenderContext(spec, nodes, nodes.front());
  for (Node& node : nodes) {
    context.self_name = node.name;
    context.self_group = node.group;
    context.self_index = node.index;
    context.vars.clear();
    for (const auto& var : spec.vars) context.vars[var.name] = var.value;
    for (const auto& var : spec.FindGroup(node.group)->vars) context.vars[var.name] = var.value;
    for (const auto& role_name : node.roles) {
      const RoleSpec* role = spec.FindRole(role_name);
      absl::StatusOr<std::string> hash = RoleHash(*role, context);
      if (!hash.ok()) {
        return absl::InvalidArgumentError(
            fmt::format("role '{}': {}", role_name, std::string(hash.status().message())));
      }
      node.role_hashes[role_name] = *hash;
    }
  }
  return nodes;
}

}  // namespace reconcile::model
