// Storage volumes this tool creates: qcow2 overlays and seed ISOs, named
// after their node so a later pass finds the remains of a crashed creation.
#pragma once

#include <libvirt/libvirt.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace reconcile::drivers::libvirt {

std::string OverlayVolumeName(std::string_view node_name);  // "<node>-overlay.qcow2"
std::string SeedVolumeName(std::string_view node_name);     // "<node>-seed.iso"
// "<node>-disk.<disk>.qcow2". The dot, which no node or disk name holds,
// keeps it from ever being another node's overlay, seed or data disk
// ("<node>-<disk>.qcow2" would be the overlay for a disk named "overlay").
std::string DataDiskVolumeName(std::string_view node_name, std::string_view disk);

// Volume XML for an empty qcow2 volume of `capacity_bytes` (pure).
std::string EmptyVolumeXml(std::string_view name, uint64_t capacity_bytes);
// Creates that volume in `pool`. kAlreadyExists if the name is taken.
absl::Status CreateEmptyVolume(virConnectPtr conn, std::string_view pool, std::string_view name,
                               uint64_t capacity_bytes);

// Volume XML for a qcow2 overlay of `base_path` (pure).
std::string OverlayVolumeXml(std::string_view name, uint64_t capacity_bytes,
                             std::string_view base_path, std::string_view base_format);

// Creates a copy-on-write overlay of `base_path` in `pool`. When
// `capacity_bytes` is 0 the base's own size is used (the base must then be a
// volume libvirt knows). kAlreadyExists if the name is taken.
absl::Status CreateOverlayVolume(virConnectPtr conn, std::string_view pool, std::string_view name,
                                 std::string_view base_path, uint64_t capacity_bytes);

// Creates a raw volume holding exactly `bytes` (via virStorageVolUpload).
// On failure the volume is deleted again.
absl::Status CreateVolumeWithContents(virConnectPtr conn, std::string_view pool,
                                      std::string_view name, std::string_view bytes);

// Deletes a volume; a missing volume or pool is OK.
// For CheckCreate: `pool` exists, is active and has at least `min_free` bytes
// available. kFailedPrecondition naming the pool otherwise.
absl::Status CheckPoolUsable(virConnectPtr conn, std::string_view pool, uint64_t min_free);

// How CheckCreate may look at the host's files: this process sees them (a
// local URI), it cannot (a remote host), or nothing reads them (the test driver).
enum class HostFiles { kLocal, kRemote, kUnread };

// For CheckCreate: an overlay of `base_path` with `disk_bytes` (0: the base's
// size) can be made, as CreateOverlayVolume would: the base is a volume
// libvirt knows, or a readable file on a local host; its size is known when
// no disk size is given; the disk is not smaller than the base.
// kFailedPrecondition naming the path otherwise.
absl::Status CheckBaseImage(virConnectPtr conn, std::string_view base_path, uint64_t disk_bytes,
                            HostFiles files);

// A volume's capacity in bytes.
absl::StatusOr<uint64_t> VolumeCapacity(virConnectPtr conn, std::string_view pool,
                                        std::string_view name);
// Grows a volume that no running domain uses to `bytes` (virStorageVolResize).
absl::Status GrowVolume(virConnectPtr conn, std::string_view pool, std::string_view name,
                        uint64_t bytes);

absl::Status DeleteVolume(virConnectPtr conn, std::string_view pool, std::string_view name);

// True when the volume exists.
absl::StatusOr<bool> VolumeExists(virConnectPtr conn, std::string_view pool, std::string_view name);

}  // namespace reconcile::drivers::libvirt
