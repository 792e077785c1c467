// CreateNode and UpdateNode: storage, seed, definition, start; undo on failure.
#include <libvirt/libvirt.h>

#include <algorithm>
#include <set>

#include "absl/cleanup/cleanup.h"
#include "base/status_macros.h"
#include "drivers/host_key.h"
#include "drivers/libvirt/data_disks.h"
#include "drivers/libvirt/errors.h"
#include "drivers/libvirt/guest_platform.h"
#include "drivers/libvirt/image_upload.h"
#include "drivers/libvirt/libvirt_hypervisor_impl.h"
#include "drivers/libvirt/mac.h"
#include "drivers/libvirt/metadata.h"
#include "drivers/libvirt/network_config.h"
#include "drivers/libvirt/nocloud_seed.h"
#include "drivers/libvirt/storage.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

bool HasVolume(const Ownership& owner, const std::string& name) {
  return std::any_of(owner.volumes.begin(), owner.volumes.end(),
                     [&](const OwnedVolume& v) { return v.name == name; });
}

}  // namespace

std::vector<DomainInterface> Interfaces(const NodeRequest& request) {
  const model::Node& node = request.node;
  if (node.nics.empty()) {
    return {{request.hypervisor.network, "", NicMac(request.cluster, node.name, 0)}};
  }
  std::vector<DomainInterface> interfaces;
  for (size_t i = 0; i < node.nics.size(); ++i) {
    interfaces.push_back(
        {node.nics[i].network, node.nics[i].bridge, NicMac(request.cluster, node.name, i)});
  }
  return interfaces;
}

absl::Status LibvirtHypervisor::RunStep(std::string_view step) {
  if (!options_.before_create_step) return absl::OkStatus();
  return options_.before_create_step(step);
}

absl::Status LibvirtHypervisor::ValidateRequest(const NodeRequest& request) const {
  const model::Node& node = request.node;
  const std::string where = fmt::format("node {}: ", node.name);
  if (request.cluster != options_.cluster) {
    return absl::InvalidArgumentError(
        fmt::format("{}request for cluster \"{}\" sent to the driver of \"{}\"", where,
                    request.cluster, options_.cluster));
  }
  if (node.name.empty() || node.name.rfind(request.cluster + "-", 0) != 0) {
    return absl::InvalidArgumentError(
        fmt::format("{}name must start with \"{}-\"", where, request.cluster));
  }
  if (node.existing) {
    return absl::InvalidArgumentError(fmt::format("{}an existing host is never created", where));
  }
  if (node.cpus < 1 || node.memory_bytes < (uint64_t{1} << 20)) {
    return absl::InvalidArgumentError(fmt::format("{}needs >= 1 vCPU and >= 1 MiB", where));
  }
  if (node.image.kernel.empty() && node.image.disk.empty() && node.image.source.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("{}image {} has no disk, source or kernel", where, node.image.name));
  }
  return absl::OkStatus();
}

absl::StatusOr<DomainDefinition> LibvirtHypervisor::DefinitionFor(const NodeRequest& request,
                                                                  const Ownership& owner) const {
  const model::Node& node = request.node;
  ASSIGN_OR_RETURN(GuestPlatform platform,
                   ResolveGuestPlatform(offered_type_, request.hypervisor.domain_type,
                                        request.hypervisor.cpu));
  DomainDefinition def;
  def.domain_type = platform.domain_type;
  def.cpu_mode = platform.cpu_mode;
  def.cpu_model = platform.cpu_model;
  def.name = node.name;
  def.vcpus = node.cpus;
  def.memory_bytes = node.memory_bytes;
  def.arch = node.arch;
  if (platform.domain_type != "test") def.machine = node.arch == "aarch64" ? "virt" : "q35";
  def.uefi = node.firmware == "uefi";
  def.kernel = node.image.kernel;
  def.initrd = node.image.initrd;
  def.cmdline = node.image.cmdline;
  const std::string pool = request.hypervisor.pool;
  if (HasVolume(owner, OverlayVolumeName(node.name))) {
    def.root_disk = VolumeDisk{pool, OverlayVolumeName(node.name), "qcow2"};
  }
  if (HasVolume(owner, SeedVolumeName(node.name))) {
    def.seed = VolumeDisk{pool, SeedVolumeName(node.name), "raw"};
  }
  def.data_disks = AttachedDataDisks(owner);
  def.interfaces = Interfaces(request);
  if (!options_.console_log_dir.empty()) {
    def.console_log = fmt::format("{}/{}.console.log", options_.console_log_dir, node.name);
  }
  def.owner = owner;
  return def;
}

absl::StatusOr<CreatedNode> LibvirtHypervisor::CreateNode(const NodeRequest& request) {
  RETURN_IF_ERROR(CheckCreate(request));
  const model::Node& node = request.node;
  const std::string& pool = request.hypervisor.pool;
  ASSIGN_OR_RETURN(ConnectionHandle held, Conn());
  virConnectPtr conn = held.get();
  if (absl::StatusOr<DomainHandle> existing = Lookup(conn, node.name); existing.ok()) {
    ASSIGN_OR_RETURN(DomainInfo info, Describe(existing->get()));
    return absl::AlreadyExistsError(
        fmt::format("domain {} already exists ({}); nothing was changed", node.name,
                    info.owner ? fmt::format("owned by cluster \"{}\"", info.owner->cluster)
                               : std::string("not managed by reconcile")));
  } else if (!absl::IsNotFound(existing.status())) {
    return existing.status();
  }
  // Remains of an attempt that crashed before defining the domain.
  RETURN_IF_ERROR(RemoveOrphanVolumes(pool, node.name).status());

  ASSIGN_OR_RETURN(HostKey host_key, GenerateHostKey());
  Ownership owner{.cluster = request.cluster, .group = node.group, .index = node.index,
                  .hardware_hash = node.hardware_hash, .host_public_key = host_key.public_line,
                  .image_hash = node.image_hash};
  DomainHandle domain;
  // Data disks this attempt made; a kept disk it re-attached is not one.
  std::set<std::string> created_disks;
  // Undo everything this attempt created unless it is dismissed at the end.
  absl::Cleanup undo = [&] {
    if (domain) {
      if (virDomainIsActive(domain.get()) == 1) virDomainDestroy(domain.get());
      UndefineWithNvram(domain.get());
    }
    for (const OwnedVolume& v : owner.volumes) {
      if (!v.disk.empty() && created_disks.count(v.name) == 0) continue;
      (void)DeleteVolume(conn, v.pool, v.name);
    }
    virResetLastError();
  };

  if (!node.image.disk.empty() || !node.image.source.empty()) {
    std::string base = node.image.disk;
    uint64_t capacity = node.disk_bytes;
    if (!node.image.source.empty()) {
      RETURN_IF_ERROR(RunStep("upload"));
      ASSIGN_OR_RETURN(SourceImage source, InspectSourceImage(node.image.source));
      ASSIGN_OR_RETURN(base, EnsureUploadedImage(conn, pool, source));
      if (capacity == 0) capacity = source.virtual_size;
    }
    RETURN_IF_ERROR(RunStep("overlay"));
    const std::string name = OverlayVolumeName(node.name);
    RETURN_IF_ERROR(CreateOverlayVolume(conn, pool, name, base, capacity));
    owner.volumes.push_back({pool, name});
  }
  if (node.image.seed) {
    RETURN_IF_ERROR(RunStep("seed"));
    std::vector<SeedNic> seed_nics;
    const std::vector<DomainInterface> interfaces = Interfaces(request);
    for (size_t i = 0; i < node.nics.size(); ++i) seed_nics.push_back({interfaces[i].mac, node.nics[i]});
    const SeedIdentity identity{fmt::format("{}-{}", node.name, host_key.fingerprint.substr(7, 12)),
                                node.name, request.authorized_key, host_key,
                                RenderNetworkConfig(seed_nics)};
    ASSIGN_OR_RETURN(std::string iso, BuildNoCloudSeed(identity));
    const std::string name = SeedVolumeName(node.name);
    // Recorded first: a failed upload may leave the volume half created.
    owner.volumes.push_back({pool, name});
    RETURN_IF_ERROR(CreateVolumeWithContents(conn, pool, name, iso));
  }
  if (!node.data_disks.empty()) {
    RETURN_IF_ERROR(RunStep("disks"));
    ASSIGN_OR_RETURN(std::set<std::string> in_use, DisksOfOtherDomains(conn, node.name));
    auto used = [&](const std::string& disk_pool, const std::string& name) {
      return UsedBy(conn, in_use, disk_pool, name);
    };
    RETURN_IF_ERROR(PrepareDataDisks(conn, request, used, owner, created_disks));
  }
  RETURN_IF_ERROR(RunStep("define"));
  ASSIGN_OR_RETURN(DomainDefinition definition, DefinitionFor(request, owner));
  const std::string xml = RenderDomainXml(definition);
  domain.reset(virDomainDefineXML(conn, xml.c_str()));
  if (!domain) return LastLibvirtError(fmt::format("define domain {}", node.name));
  if (node.autostart && virDomainSetAutostart(domain.get(), 1) != 0) {
    return LastLibvirtError(fmt::format("mark domain {} to start with its host", node.name));
  }
  RETURN_IF_ERROR(RunStep("start"));
  if (virDomainCreate(domain.get()) != 0) {
    return LastLibvirtError(fmt::format("start domain {}", node.name));
  }
  ASSIGN_OR_RETURN(DomainInfo info, Describe(domain.get()));
  std::move(undo).Cancel();
  return CreatedNode{std::move(info), host_key.fingerprint};
}

absl::StatusOr<UpdateEffect> LibvirtHypervisor::UpdateNode(const NodeRequest& request) {
  RETURN_IF_ERROR(ValidateRequest(request));
  const model::Node& node = request.node;
  ASSIGN_OR_RETURN(OwnedDomain current, LookupOwned(node.name));
  Ownership owner = *current.info.owner;
  if (owner.hardware_hash == node.hardware_hash && current.info.vcpus == node.cpus &&
      current.info.memory_bytes == node.memory_bytes) {
    return UpdateEffect::kUnchanged;
  }
  RETURN_IF_ERROR(CheckDataDisksUnchanged(request, owner));
  ASSIGN_OR_RETURN(ConnectionHandle held, Conn());
  virConnectPtr conn = held.get();
  virDomainPtr domain = current.handle.get();
  const bool active = virDomainIsActive(domain) == 1;
  // The root disk: a larger size grows the overlay in place (the guest grows
  // its partition, e.g. cloud-init's growpart at the next boot); a smaller
  // one is refused before anything changes, since shrinking a disk under a
  // filesystem loses data. Never "updated" with the disk left as it was.
  const std::string overlay = OverlayVolumeName(node.name);
  if (node.disk_bytes != 0 && HasVolume(owner, overlay)) {
    const std::string& pool = request.hypervisor.pool;
    ASSIGN_OR_RETURN(uint64_t capacity, VolumeCapacity(conn, pool, overlay));
    if (node.disk_bytes < capacity) {
      return absl::FailedPreconditionError(
          fmt::format("node {}: disk {} MiB is smaller than its disk ({} MiB); a disk is never "
                      "shrunk: replace the node to start smaller",
                      node.name, node.disk_bytes >> 20, capacity >> 20));
    }
    if (node.disk_bytes > capacity) {
      if (active) {
        if (virDomainBlockResize(domain, "vda", node.disk_bytes, VIR_DOMAIN_BLOCK_RESIZE_BYTES) != 0) {
          return LastLibvirtError(fmt::format("grow the disk of running domain {}", node.name));
        }
      } else {
        RETURN_IF_ERROR(GrowVolume(conn, pool, overlay, node.disk_bytes));
      }
    }
  }
  owner.hardware_hash = node.hardware_hash;  // host key and volumes are kept
  ASSIGN_OR_RETURN(DomainDefinition def, DefinitionFor(request, owner));
  def.uuid = current.info.uuid;  // redefining a name needs its UUID
  const std::string xml = RenderDomainXml(def);
  DomainHandle updated(virDomainDefineXML(conn, xml.c_str()));
  if (!updated) return LastLibvirtError(fmt::format("redefine domain {}", node.name));
  if (virDomainSetAutostart(updated.get(), node.autostart ? 1 : 0) != 0) {
    return LastLibvirtError(fmt::format("set autostart of domain {}", node.name));
  }
  // A disk grown while running needs no restart; cpus and memory do.
  const bool sizes_changed =
      current.info.vcpus != node.cpus || current.info.memory_bytes != node.memory_bytes;
  if (active && sizes_changed) {
    // The running domain keeps its old metadata (and hash) until it
    // restarts, so a restart that never happens is planned again.
    return UpdateEffect::kNeedsRestart;
  }
  if (active) {
    // In effect now: the running domain's metadata says so too, or the next
    // pass (which reads the live definition) would plan this update again.
    const std::string metadata = RenderOwnershipXml(owner, 0, /*prefixed=*/false);
    if (virDomainSetMetadata(updated.get(), VIR_DOMAIN_METADATA_ELEMENT, metadata.c_str(),
                             std::string(kOwnershipPrefix).c_str(),
                             std::string(kOwnershipNamespace).c_str(),
                             VIR_DOMAIN_AFFECT_LIVE) != 0) {
      return LastLibvirtError(fmt::format("record the update in running domain {}", node.name));
    }
  }
  return UpdateEffect::kApplied;
}

}  // namespace reconcile::drivers::libvirt
