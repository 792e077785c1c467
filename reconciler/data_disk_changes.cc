#include "reconciler/data_disk_changes.h"

#include <vector>

#include "fmt/format.h"

namespace reconcile {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

const model::DataDiskSpec* Wanted(const model::Node& node, const std::string& name) {
  for (const model::DataDiskSpec& disk : node.data_disks) {
    if (disk.name == name) return &disk;
  }
  return nullptr;
}

}  // namespace

std::string DataDiskProblem(const model::ObservedDomain& domain, const model::Node& node,
                            const std::string& host_pool, bool replacing) {
  std::vector<std::string> losing;   // would lose data: refused for good
  std::vector<std::string> pending;  // not done in place (yet)
  for (const model::ObservedDataDisk& had : domain.data_disks) {
    const model::DataDiskSpec* want = Wanted(node, had.name);
    if (want == nullptr) {
      losing.push_back(fmt::format("disk '{}' ({} MiB) is no longer in the spec", had.name,
                                   had.bytes / kMiB));
      continue;
    }
    const std::string pool = want->pool.empty() ? host_pool : want->pool;
    if (want->size_bytes < had.bytes) {
      losing.push_back(fmt::format("disk '{}' would shrink {} MiB -> {} MiB", had.name,
                                   had.bytes / kMiB, want->size_bytes / kMiB));
    } else if (pool != had.pool) {
      losing.push_back(fmt::format("disk '{}' would move from pool {} to {}", had.name, had.pool,
                                   pool));
    } else if (want->size_bytes > had.bytes) {
      pending.push_back(fmt::format("disk '{}' grows {} MiB -> {} MiB", had.name,
                                    had.bytes / kMiB, want->size_bytes / kMiB));
    }
  }
  for (const model::DataDiskSpec& want : node.data_disks) {
    bool had = false;
    for (const model::ObservedDataDisk& disk : domain.data_disks) had |= disk.name == want.name;
    if (!had) {
      pending.push_back(fmt::format("disk '{}' ({} MiB) is new", want.name, want.size_bytes / kMiB));
    }
  }
  if (!losing.empty()) {
    return fmt::format(
        "not changed: {}; a data disk holding data is never removed, shrunk or moved, and "
        "nothing was deleted: put the disk back as it was, or take the node out of the spec to "
        "delete it with its disks",
        fmt::join(losing, ", "));
  }
  if (!pending.empty() && !replacing) {
    return fmt::format(
        "not changed: {}; data disks are not added to or grown on an existing node yet (nodes "
        "created from now on get them): put the disks back as they were, or replace the node",
        fmt::join(pending, ", "));
  }
  return "";
}

}  // namespace reconcile
