// StartNode, StopNode, DeleteNode, RemoveOrphanVolumes.
#include <libvirt/libvirt.h>

#include <set>

#include "base/status_macros.h"
#include "drivers/libvirt/data_disks.h"
#include "drivers/libvirt/errors.h"
#include "drivers/libvirt/libvirt_hypervisor_impl.h"
#include "drivers/libvirt/storage.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {

absl::Status LibvirtHypervisor::StartNode(std::string_view name) {
  ASSIGN_OR_RETURN(OwnedDomain domain, LookupOwned(name));
  if (domain.info.state == model::DomainState::kPaused) {
    // Active but not running: starting it again would be a no-op, so the
    // node would stay paused pass after pass.
    if (virDomainResume(domain.handle.get()) != 0) {
      absl::Status status = LastLibvirtError(fmt::format("resume domain {}", name));
      // Paused only while QEMU was starting it (a start interrupted by a
      // crash of ours finishes in libvirtd): running now is what we wanted.
      int state = 0, reason = 0;
      if (virDomainGetState(domain.handle.get(), &state, &reason, 0) == 0 &&
          state == VIR_DOMAIN_RUNNING) {
        return absl::OkStatus();
      }
      virResetLastError();
      return status;
    }
    return absl::OkStatus();
  }
  if (virDomainIsActive(domain.handle.get()) == 1) return absl::OkStatus();
  if (virDomainCreate(domain.handle.get()) != 0) {
    return LastLibvirtError(fmt::format("start domain {}", name));
  }
  return absl::OkStatus();
}

absl::Status LibvirtHypervisor::StopNode(std::string_view name, absl::Duration grace) {
  ASSIGN_OR_RETURN(OwnedDomain domain, LookupOwned(name));
  virDomainPtr dom = domain.handle.get();
  if (virDomainIsActive(dom) != 1) return absl::OkStatus();
  Clock& clock = *options_.clock;
  const absl::Time deadline = clock.Now() + grace;
  // ACPI power button first; a guest that ignores it is forced off below.
  if (virDomainShutdown(dom) == 0) {
    while (virDomainIsActive(dom) == 1 && clock.Now() < deadline) {
      clock.SleepFor(absl::Milliseconds(100));
    }
  }
  virResetLastError();
  if (virDomainIsActive(dom) == 1 && virDomainDestroy(dom) != 0) {
    absl::Status status = LastLibvirtError(fmt::format("force off domain {}", name));
    if (virDomainIsActive(dom) == 1) return status;  // else it went off by itself
  }
  return absl::OkStatus();
}

absl::Status LibvirtHypervisor::DeleteNode(std::string_view name, const DeleteOptions& options) {
  absl::StatusOr<OwnedDomain> domain = LookupOwned(name);
  if (absl::IsNotFound(domain.status())) return absl::OkStatus();
  RETURN_IF_ERROR(domain.status());
  virDomainPtr dom = domain->handle.get();
  if (virDomainIsActive(dom) == 1 && virDomainDestroy(dom) != 0) {
    return LastLibvirtError(fmt::format("destroy domain {}", name));
  }
  ASSIGN_OR_RETURN(ConnectionHandle held, Conn());
  virConnectPtr conn = held.get();
  ASSIGN_OR_RETURN(std::set<std::string> in_use, DisksOfOtherDomains(conn, name));
  // Volumes before the definition: if this is interrupted, the domain (and
  // with it the list of what to remove) is still there for the next pass.
  // Only this node's own volumes (named after it) that no other domain uses:
  // metadata can be edited by hand, and a volume is never taken from under
  // a domain that uses it.
  const std::set<std::string> keep(options.keep_disks.begin(), options.keep_disks.end());
  for (const OwnedVolume& volume : domain->info.owner->volumes) {
    const bool data_disk = IsDataDiskOf(volume, name);
    if (data_disk && keep.count(volume.disk) != 0) continue;  // for the successor
    if (!data_disk && volume.name != OverlayVolumeName(name) &&
        volume.name != SeedVolumeName(name)) {
      continue;
    }
    if (UsedBy(conn, in_use, volume.pool, volume.name)) continue;
    RETURN_IF_ERROR(DeleteVolume(conn, volume.pool, volume.name));
  }
  if (UndefineWithNvram(dom) != 0) {
    absl::Status status = LastLibvirtError(fmt::format("undefine domain {}", name));
    return absl::IsNotFound(status) ? absl::OkStatus() : status;
  }
  return absl::OkStatus();
}

int LibvirtHypervisor::UndefineWithNvram(virDomainPtr domain) {
  if (virDomainUndefineFlags(domain, VIR_DOMAIN_UNDEFINE_NVRAM) == 0) return 0;
  // Drivers without NVRAM support (libvirt's test driver) refuse the flag.
  virErrorPtr error = virGetLastError();
  if (error != nullptr && (error->code == VIR_ERR_INVALID_ARG || error->code == VIR_ERR_NO_SUPPORT)) {
    virResetLastError();
    return virDomainUndefine(domain);
  }
  return -1;
}

absl::StatusOr<std::set<std::string>> LibvirtHypervisor::DisksOfOtherDomains(
    virConnectPtr conn, std::string_view except) {
  ASSIGN_OR_RETURN(std::vector<DomainInfo> domains, DescribeAll(conn));
  std::set<std::string> disks;
  for (const DomainInfo& domain : domains) {
    if (domain.name != except) disks.insert(domain.disks.begin(), domain.disks.end());
  }
  return disks;
}

bool LibvirtHypervisor::UsedBy(virConnectPtr conn, const std::set<std::string>& disks,
                               std::string_view pool, std::string_view name) {
  if (disks.count(fmt::format("{}/{}", pool, name)) != 0) return true;
  PoolHandle p(virStoragePoolLookupByName(conn, std::string(pool).c_str()));
  VolumeHandle vol(p ? virStorageVolLookupByName(p.get(), std::string(name).c_str()) : nullptr);
  char* path = vol ? virStorageVolGetPath(vol.get()) : nullptr;
  virResetLastError();
  if (path == nullptr) return false;
  const bool used = disks.count(path) != 0;
  free(path);
  return used;
}

absl::StatusOr<std::vector<std::string>> LibvirtHypervisor::RemoveOrphanVolumes(
    std::string_view pool, std::string_view node_name) {
  if (node_name.rfind(fmt::format("{}-", options_.cluster), 0) != 0) {
    return absl::InvalidArgumentError(
        fmt::format("node {} is not named for cluster \"{}\"", node_name, options_.cluster));
  }
  ASSIGN_OR_RETURN(ConnectionHandle held, Conn());
  virConnectPtr conn = held.get();
  absl::StatusOr<DomainHandle> domain = Lookup(conn, node_name);
  if (domain.ok()) return std::vector<std::string>{};  // not orphans: leave them
  if (!absl::IsNotFound(domain.status())) return domain.status();
  ASSIGN_OR_RETURN(std::set<std::string> in_use, DisksOfOtherDomains(conn, node_name));
  std::vector<std::string> removed;
  for (const std::string& name : {OverlayVolumeName(node_name), SeedVolumeName(node_name)}) {
    ASSIGN_OR_RETURN(bool exists, VolumeExists(conn, pool, name));
    if (!exists) continue;
    // Named like our remains but attached to a domain: not an orphan.
    if (UsedBy(conn, in_use, pool, name)) continue;
    RETURN_IF_ERROR(DeleteVolume(conn, pool, name));
    removed.push_back(name);
  }
  return removed;
}

}  // namespace reconcile::drivers::libvirt
