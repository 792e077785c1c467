// A group's `disks:` list: extra data disks of each of its nodes.
#include <set>
#include <string>

#include "fmt/format.h"
#include "model/decode.h"
#include "model/spec_keys.h"

namespace reconcile::model {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kTiB = uint64_t{1} << 40;
// virtio-blk hands the guest at most 20 bytes of serial.
constexpr size_t kMaxSerialLength = 20;
// vdc .. vdr: after the root (vda) and the seed (vdb), one letter each.
constexpr size_t kMaxDataDisks = 16;

void DecodeDataDisk(const YamlNode& item, YamlReader& r, DataDiskSpec& disk) {
  if (!r.ExpectMap(item, "disks item")) return;
  const YamlNode* name = item.Find("name");
  if (name != nullptr) disk.name = NonEmptyString(r, *name, "name").value_or("");
  const std::string where =
      disk.name.empty() ? std::string("a disk") : fmt::format("disk '{}'", disk.name);
  r.CheckKeys(item, keys::kDataDisk, where);
  if (name == nullptr) {
    r.Error(item, "a disk needs a 'name' (its serial: /dev/disk/by-id/virtio-<name>)");
  } else if (!disk.name.empty()) {
    RequireDnsLabel(r, *name, disk.name, "disk");
    if (disk.name.size() > kMaxSerialLength) {
      r.Error(*name, fmt::format("disk name '{}' is {} characters long; a virtio disk serial "
                                 "holds at most {}",
                                 disk.name.substr(0, 70), disk.name.size(), kMaxSerialLength));
    }
  }
  if (const YamlNode* n = item.Find("size")) {
    disk.size_bytes = r.Size(*n, "size", kMiB, 64 * kTiB).value_or(0);
    if (disk.size_bytes % kMiB != 0) {
      r.Error(*n, fmt::format("'size' must be a whole number of MiB, got {}", n->value));
    }
  } else {
    r.Error(item, fmt::format("{} needs a 'size' (e.g. 50GiB)", where));
  }
  if (auto* n = item.Find("pool")) disk.pool = NonEmptyString(r, *n, "pool").value_or("");
  if (auto* n = item.Find("keep")) disk.keep = r.Bool(*n, "keep").value_or(false);
}

}  // namespace

void DecodeDataDisks(const YamlNode& node, YamlReader& r, GroupSpec& group) {
  if (!r.ExpectList(node, "disks")) return;
  if (node.items.size() > kMaxDataDisks) {
    r.Error(node, fmt::format("'disks' lists {} disks; at most {} per node", node.items.size(),
                              kMaxDataDisks));
    return;
  }
  std::set<std::string> names;
  for (const YamlNode& item : node.items) {
    DataDiskSpec disk;
    DecodeDataDisk(item, r, disk);
    if (!disk.name.empty() && !names.insert(disk.name).second) {
      r.Error(*item.Find("name"), fmt::format("disk '{}' is listed twice in group '{}'",
                                              disk.name, group.name));
      continue;
    }
    group.disks.push_back(std::move(disk));
  }
}

}  // namespace reconcile::model
