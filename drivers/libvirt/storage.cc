#include "drivers/libvirt/storage.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/status_macros.h"
#include "drivers/libvirt/errors.h"
#include "drivers/libvirt/handles.h"
#include "drivers/libvirt/xml_util.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

absl::StatusOr<PoolHandle> LookupPool(virConnectPtr conn, std::string_view pool) {
  PoolHandle handle(virStoragePoolLookupByName(conn, std::string(pool).c_str()));
  if (!handle) return LastLibvirtError(fmt::format("storage pool \"{}\"", pool));
  return handle;
}

struct BaseImage {
  std::string format;
  uint64_t capacity = 0;  // 0: unknown
  bool in_pool = false;   // a volume libvirt knows by that path
};

// What libvirt knows about the base; falls back to the file name's extension
// when the base is in no pool.
BaseImage DescribeBase(virConnectPtr conn, std::string_view base_path) {
  BaseImage base;
  base.format = base_path.ends_with(".qcow2") ? "qcow2" : "raw";
  VolumeHandle vol(virStorageVolLookupByPath(conn, std::string(base_path).c_str()));
  if (!vol) {
    virResetLastError();
    return base;
  }
  base.in_pool = true;
  virStorageVolInfo info;
  if (virStorageVolGetInfo(vol.get(), &info) == 0) base.capacity = info.capacity;
  std::string xml = TakeLibvirtString(virStorageVolGetXMLDesc(vol.get(), 0));
  if (auto doc = ParseXml(xml, "base volume XML"); doc.ok()) {
    xmlNode* target = FirstChildElement(xmlDocGetRootElement(doc->get()), "target");
    std::string format = AttributeOf(FirstChildElement(target, "format"), "type");
    if (!format.empty()) base.format = format;
  }
  virResetLastError();
  return base;
}

// The overlay's size (`disk_bytes`, 0: the base's own), or why it cannot be
// made: CreateOverlayVolume and CheckBaseImage ask the same question.
absl::StatusOr<uint64_t> OverlaySize(const BaseImage& base, std::string_view base_path,
                                     uint64_t disk_bytes) {
  const uint64_t size = disk_bytes != 0 ? disk_bytes : base.capacity;
  if (size == 0) {
    return absl::FailedPreconditionError(
        fmt::format("base image {} is in no libvirt storage pool, so its size is unknown: set the "
                    "group's disk size",
                    base_path));
  }
  if (base.capacity != 0 && size < base.capacity) {
    return absl::FailedPreconditionError(
        fmt::format("disk size {} MiB is smaller than the base image {} ({} MiB)", size >> 20,
                    base_path, base.capacity >> 20));
  }
  return size;
}

}  // namespace

std::string OverlayVolumeName(std::string_view node_name) {
  return fmt::format("{}-overlay.qcow2", node_name);
}
std::string SeedVolumeName(std::string_view node_name) {
  return fmt::format("{}-seed.iso", node_name);
}

std::string DataDiskVolumeName(std::string_view node_name, std::string_view disk) {
  return fmt::format("{}-disk.{}.qcow2", node_name, disk);
}

std::string EmptyVolumeXml(std::string_view name, uint64_t capacity_bytes) {
  return fmt::format(
      "<volume>\n"
      "  <name>{}</name>\n"
      "  <capacity unit='bytes'>{}</capacity>\n"
      "  <target><format type='qcow2'/></target>\n"
      "</volume>\n",
      XmlEscape(name), capacity_bytes);
}

absl::Status CreateEmptyVolume(virConnectPtr conn, std::string_view pool, std::string_view name,
                               uint64_t capacity_bytes) {
  ASSIGN_OR_RETURN(PoolHandle p, LookupPool(conn, pool));
  const std::string xml = EmptyVolumeXml(name, capacity_bytes);
  VolumeHandle vol(virStorageVolCreateXML(p.get(), xml.c_str(), 0));
  if (!vol) return LastLibvirtError(fmt::format("create volume {}/{}", pool, name));
  return absl::OkStatus();
}

std::string OverlayVolumeXml(std::string_view name, uint64_t capacity_bytes,
                             std::string_view base_path, std::string_view base_format) {
  return fmt::format(
      "<volume>\n"
      "  <name>{}</name>\n"
      "  <capacity unit='bytes'>{}</capacity>\n"
      "  <target><format type='qcow2'/></target>\n"
      "  <backingStore><path>{}</path><format type='{}'/></backingStore>\n"
      "</volume>\n",
      XmlEscape(name), capacity_bytes, XmlEscape(base_path), XmlEscape(base_format));
}

absl::Status CreateOverlayVolume(virConnectPtr conn, std::string_view pool, std::string_view name,
                                 std::string_view base_path, uint64_t capacity_bytes) {
  ASSIGN_OR_RETURN(PoolHandle p, LookupPool(conn, pool));
  const BaseImage base = DescribeBase(conn, base_path);
  ASSIGN_OR_RETURN(capacity_bytes, OverlaySize(base, base_path, capacity_bytes));
  const std::string xml = OverlayVolumeXml(name, capacity_bytes, base_path, base.format);
  VolumeHandle vol(virStorageVolCreateXML(p.get(), xml.c_str(), 0));
  if (!vol) return LastLibvirtError(fmt::format("create volume {}/{}", pool, name));
  return absl::OkStatus();
}

absl::Status CreateVolumeWithContents(virConnectPtr conn, std::string_view pool,
                                      std::string_view name, std::string_view bytes) {
  ASSIGN_OR_RETURN(PoolHandle p, LookupPool(conn, pool));
  const std::string xml = fmt::format(
      "<volume>\n"
      "  <name>{}</name>\n"
      "  <capacity unit='bytes'>{}</capacity>\n"
      "  <target><format type='raw'/></target>\n"
      "</volume>\n",
      XmlEscape(name), bytes.size());
  VolumeHandle vol(virStorageVolCreateXML(p.get(), xml.c_str(), 0));
  if (!vol) return LastLibvirtError(fmt::format("create volume {}/{}", pool, name));
  auto fail = [&](std::string_view step) {
    absl::Status status = LastLibvirtError(fmt::format("{} {}/{}", step, pool, name));
    virStorageVolDelete(vol.get(), 0);  // never leave a half-written volume
    virResetLastError();
    return status;
  };
  StreamHandle stream(virStreamNew(conn, 0));
  if (!stream) return fail("open upload stream for");
  if (virStorageVolUpload(vol.get(), stream.get(), 0, bytes.size(), 0) != 0) {
    return fail("upload to");
  }
  size_t sent = 0;
  while (sent < bytes.size()) {
    const size_t chunk = std::min<size_t>(bytes.size() - sent, 256 * 1024);
    const int n = virStreamSend(stream.get(), bytes.data() + sent, chunk);
    if (n < 0) {
      virStreamAbort(stream.get());
      return fail("send data to");
    }
    sent += static_cast<size_t>(n);
  }
  if (virStreamFinish(stream.get()) != 0) return fail("finish upload to");
  return absl::OkStatus();
}

absl::Status CheckPoolUsable(virConnectPtr conn, std::string_view pool, uint64_t min_free) {
  PoolHandle p(virStoragePoolLookupByName(conn, std::string(pool).c_str()));
  if (!p) {
    absl::Status status = LastLibvirtError(fmt::format("storage pool \"{}\"", pool));
    if (!absl::IsNotFound(status)) return status;
    return absl::FailedPreconditionError(fmt::format(
        "storage pool \"{}\" does not exist (virsh pool-list --all lists the pools)", pool));
  }
  virStoragePoolInfo info;
  if (virStoragePoolGetInfo(p.get(), &info) != 0) {
    return LastLibvirtError(fmt::format("storage pool \"{}\"", pool));
  }
  if (info.state != VIR_STORAGE_POOL_RUNNING) {
    return absl::FailedPreconditionError(
        fmt::format("storage pool \"{}\" is not active (virsh pool-start {})", pool, pool));
  }
  if (info.available < min_free) {
    // A dir pool's figures are as of its last refresh: look again before
    // refusing (space may have been freed since).
    if (virStoragePoolRefresh(p.get(), 0) != 0 || virStoragePoolGetInfo(p.get(), &info) != 0) {
      virResetLastError();
    }
  }
  if (info.available < min_free) {
    return absl::FailedPreconditionError(
        fmt::format("storage pool \"{}\" has {} KiB free; creating a node needs at least {} KiB",
                    pool, info.available >> 10, min_free >> 10));
  }
  return absl::OkStatus();
}

absl::Status CheckBaseImage(virConnectPtr conn, std::string_view base_path, uint64_t disk_bytes,
                            HostFiles files) {
  const BaseImage base = DescribeBase(conn, base_path);
  if (!base.in_pool) {
    if (files == HostFiles::kLocal && access(std::string(base_path).c_str(), R_OK) != 0) {
      return absl::FailedPreconditionError(
          fmt::format("base image {} cannot be read: {}", base_path, strerror(errno)));
    }
    if (files == HostFiles::kRemote) {
      return absl::FailedPreconditionError(
          fmt::format("base image {} is no volume of any storage pool on this host, so it cannot "
                      "be checked before nodes are created or replaced: put it in a pool (copy it "
                      "into a pool's directory, then virsh pool-refresh)",
                      base_path));
    }
  }
  return OverlaySize(base, base_path, disk_bytes).status();
}

absl::StatusOr<uint64_t> VolumeCapacity(virConnectPtr conn, std::string_view pool,
                                        std::string_view name) {
  ASSIGN_OR_RETURN(PoolHandle p, LookupPool(conn, pool));
  VolumeHandle vol(virStorageVolLookupByName(p.get(), std::string(name).c_str()));
  if (!vol) return LastLibvirtError(fmt::format("volume {}/{}", pool, name));
  virStorageVolInfo info;
  if (virStorageVolGetInfo(vol.get(), &info) != 0) {
    return LastLibvirtError(fmt::format("size of volume {}/{}", pool, name));
  }
  return info.capacity;
}

absl::Status GrowVolume(virConnectPtr conn, std::string_view pool, std::string_view name,
                        uint64_t bytes) {
  ASSIGN_OR_RETURN(PoolHandle p, LookupPool(conn, pool));
  VolumeHandle vol(virStorageVolLookupByName(p.get(), std::string(name).c_str()));
  if (!vol) return LastLibvirtError(fmt::format("volume {}/{}", pool, name));
  if (virStorageVolResize(vol.get(), bytes, 0) != 0) {
    return LastLibvirtError(fmt::format("grow volume {}/{}", pool, name));
  }
  return absl::OkStatus();
}

absl::Status DeleteVolume(virConnectPtr conn, std::string_view pool, std::string_view name) {
  PoolHandle p(virStoragePoolLookupByName(conn, std::string(pool).c_str()));
  if (!p) {
    absl::Status status = LastLibvirtError(fmt::format("storage pool \"{}\"", pool));
    return absl::IsNotFound(status) ? absl::OkStatus() : status;
  }
  VolumeHandle vol(virStorageVolLookupByName(p.get(), std::string(name).c_str()));
  if (!vol) {
    absl::Status status = LastLibvirtError(fmt::format("volume {}/{}", pool, name));
    return absl::IsNotFound(status) ? absl::OkStatus() : status;
  }
  if (virStorageVolDelete(vol.get(), 0) != 0) {
    return LastLibvirtError(fmt::format("delete volume {}/{}", pool, name));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> VolumeExists(virConnectPtr conn, std::string_view pool,
                                  std::string_view name) {
  ASSIGN_OR_RETURN(PoolHandle p, LookupPool(conn, pool));
  VolumeHandle vol(virStorageVolLookupByName(p.get(), std::string(name).c_str()));
  if (vol) return true;
  absl::Status status = LastLibvirtError(fmt::format("volume {}/{}", pool, name));
  if (absl::IsNotFound(status)) return false;
  return status;
}

}  // namespace reconcile::drivers::libvirt
