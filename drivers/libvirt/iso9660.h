// A minimal ISO 9660 image writer (pure: files in, image bytes out).
//
// Enough for a NoCloud seed: one root directory holding a few small regular
// files, a primary volume descriptor with 8.3 upper-case names (for readers
// without extensions) and a Joliet supplementary descriptor carrying the real
// names ("meta-data", "user-data"), which Linux, blkid and cloud-init read.
// No subdirectories, no Rock Ridge, timestamps left "unspecified" so the same
// input always gives the same bytes. See docs/libvirt.md for why this is not
// genisoimage.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace reconcile::drivers::libvirt {

struct IsoFile {
  std::string name;      // e.g. "meta-data": [a-z0-9._-], at most 64 chars
  std::string contents;  // bytes
};

// The image. kInvalidArgument for a bad volume label (1-32 of [a-z0-9_-]),
// a bad or duplicate file name.
absl::StatusOr<std::string> BuildIso9660(std::string_view volume_label, std::vector<IsoFile> files);

}  // namespace reconcile::drivers::libvirt
