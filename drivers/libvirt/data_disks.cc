#include "drivers/libvirt/data_disks.h"

#include <map>

#include "base/status_macros.h"
#include "drivers/libvirt/storage.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

const OwnedVolume* RecordedDisk(const Ownership& owner, std::string_view disk) {
  for (const OwnedVolume& volume : owner.volumes) {
    if (!volume.disk.empty() && volume.disk == disk) return &volume;
  }
  return nullptr;
}

}  // namespace

std::string DataDiskPool(const model::DataDiskSpec& disk, const NodeRequest& request) {
  return disk.pool.empty() ? request.hypervisor.pool : disk.pool;
}

std::vector<DataDisk> AttachedDataDisks(const Ownership& owner) {
  std::vector<DataDisk> disks;
  for (const OwnedVolume& volume : owner.volumes) {
    if (volume.disk.empty()) continue;
    disks.push_back({VolumeDisk{volume.pool, volume.name, "qcow2"}, volume.disk});
  }
  return disks;
}

bool IsDataDiskOf(const OwnedVolume& volume, std::string_view name) {
  return !volume.disk.empty() && volume.name == DataDiskVolumeName(name, volume.disk);
}

absl::Status PrepareDataDisks(virConnectPtr conn, const NodeRequest& request,
                              const VolumeInUse& in_use, Ownership& owner,
                              std::set<std::string>& created) {
  const model::Node& node = request.node;
  for (const model::DataDiskSpec& disk : node.data_disks) {
    const std::string pool = DataDiskPool(disk, request);
    const std::string name = DataDiskVolumeName(node.name, disk.name);
    const OwnedVolume volume{pool, name, disk.name, disk.size_bytes};
    ASSIGN_OR_RETURN(bool exists, VolumeExists(conn, pool, name));
    if (exists && in_use(pool, name)) {
      return absl::FailedPreconditionError(fmt::format(
          "node {}: volume {}/{} for disk '{}' exists and a domain uses it; it is not touched",
          node.name, pool, name, disk.name));
    }
    if (exists && disk.keep) {
      ASSIGN_OR_RETURN(uint64_t capacity, VolumeCapacity(conn, pool, name));
      if (capacity > disk.size_bytes) {
        return absl::FailedPreconditionError(fmt::format(
            "node {}: kept disk '{}' ({}/{}) holds {} MiB, more than the {} MiB asked for; a "
            "disk is never shrunk",
            node.name, disk.name, pool, name, capacity / kMiB, disk.size_bytes / kMiB));
      }
      if (capacity < disk.size_bytes) RETURN_IF_ERROR(GrowVolume(conn, pool, name, disk.size_bytes));
      owner.volumes.push_back(volume);  // re-attached: never removed by an undo
      continue;
    }
    if (exists) RETURN_IF_ERROR(DeleteVolume(conn, pool, name));  // an earlier attempt's
    created.insert(name);
    owner.volumes.push_back(volume);
    RETURN_IF_ERROR(CreateEmptyVolume(conn, pool, name, disk.size_bytes));
  }
  return absl::OkStatus();
}

absl::Status CheckDataDisks(virConnectPtr conn, const NodeRequest& request,
                            uint64_t min_pool_free) {
  const model::Node& node = request.node;
  std::map<std::string, uint64_t> needed;  // pool -> bytes of disks to create there
  for (const model::DataDiskSpec& disk : node.data_disks) {
    const std::string pool = DataDiskPool(disk, request);
    uint64_t& bytes = needed[pool];
    // Whether the pool exists is CheckPoolUsable's to say, with its advice.
    absl::StatusOr<bool> exists = VolumeExists(conn, pool, DataDiskVolumeName(node.name, disk.name));
    if (!exists.ok() || !*exists) {
      bytes += disk.size_bytes;
      continue;
    }
    if (!disk.keep) continue;  // replaced in place by one of the same size
    ASSIGN_OR_RETURN(uint64_t capacity,
                     VolumeCapacity(conn, pool, DataDiskVolumeName(node.name, disk.name)));
    if (capacity > disk.size_bytes) {
      return absl::FailedPreconditionError(fmt::format(
          "kept disk '{}' holds {} MiB, more than the {} MiB asked for; a disk is never shrunk",
          disk.name, capacity / kMiB, disk.size_bytes / kMiB));
    }
  }
  for (const auto& [pool, bytes] : needed) {
    // qcow2 is thin, but a data disk is there to be filled: a pool that
    // cannot hold it fails the guest's writes later (QEMU pauses it).
    absl::Status usable = CheckPoolUsable(conn, pool, min_pool_free + bytes);
    if (!usable.ok()) {
      return absl::Status(usable.code(),
                          fmt::format("data disks: {}", std::string(usable.message())));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDataDisksUnchanged(const NodeRequest& request, const Ownership& owner) {
  const model::Node& node = request.node;
  std::vector<std::string> changes;
  for (const model::DataDiskSpec& disk : node.data_disks) {
    const OwnedVolume* recorded = RecordedDisk(owner, disk.name);
    if (recorded == nullptr) {
      changes.push_back(fmt::format("disk '{}' added", disk.name));
    } else if (recorded->bytes != disk.size_bytes) {
      changes.push_back(fmt::format("disk '{}' {} MiB -> {} MiB", disk.name,
                                    recorded->bytes / kMiB, disk.size_bytes / kMiB));
    } else if (recorded->pool != DataDiskPool(disk, request)) {
      changes.push_back(fmt::format("disk '{}' moved from pool {} to {}", disk.name,
                                    recorded->pool, DataDiskPool(disk, request)));
    }
  }
  for (const OwnedVolume& volume : owner.volumes) {
    if (volume.disk.empty()) continue;
    bool wanted = false;
    for (const model::DataDiskSpec& disk : node.data_disks) wanted |= disk.name == volume.disk;
    if (!wanted) changes.push_back(fmt::format("disk '{}' removed", volume.disk));
  }
  if (changes.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      fmt::format("node {}: data disks are not changed in place ({}); nothing was changed",
                  node.name, fmt::join(changes, ", ")));
}

}  // namespace reconcile::drivers::libvirt
