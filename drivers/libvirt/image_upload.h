// Base images that live beside reconcile (`images.X.source`), uploaded into a
// host's storage pool once.
//
// The volume is named by the file's content ("reconcile-image-<sha256>.qcow2"),
// so the same file is never uploaded twice nor kept twice, whichever clusters
// and paths refer to it, and a changed file is a new volume. Such volumes are
// shared, so reconcile never deletes them (docs/libvirt.md).
//
// A crash mid-upload must not leave a volume that looks complete: a marker
// volume "<name>.uploading" exists for as long as an upload runs, and a volume
// found beside a marker is deleted and uploaded again.
#pragma once

#include <libvirt/libvirt.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace reconcile::drivers::libvirt {

struct SourceImage {
  std::string path;
  std::string sha256;  // lower-case hex of the whole file
  uint64_t size = 0;   // bytes in the file
  uint64_t virtual_size = 0;  // the disk it holds: a qcow2's header says, raw is its size
  std::string format;  // "qcow2" (by its magic) or "raw"
};

// Reads and hashes the file; remembered in this process while its size,
// modification time and inode stay the same, so a watch loop hashes it once.
// kFailedPrecondition naming the path when it cannot be read.
absl::StatusOr<SourceImage> InspectSourceImage(const std::string& path);

std::string UploadedImageVolumeName(const SourceImage& image);
std::string UploadMarkerName(std::string_view volume_name);

// Bytes that uploading `image` to `pool` would still need: 0 when a complete
// copy is there. For CheckCreate.
absl::StatusOr<uint64_t> BytesToUpload(virConnectPtr conn, std::string_view pool,
                                       const SourceImage& image);

// The path of the image's volume in `pool`, uploaded first when no complete
// copy is there. Calls for the same volume in this process wait for each
// other; a failed upload leaves neither the volume nor the marker.
absl::StatusOr<std::string> EnsureUploadedImage(virConnectPtr conn, std::string_view pool,
                                                const SourceImage& image);

}  // namespace reconcile::drivers::libvirt
