// Data disks (a group's `disks:`): empty qcow2 volumes named after their node,
// attached after the root disk and the seed, owned like the overlay. A disk
// marked keep outlives a replace: the replace's DeleteNode leaves it, and
// the successor's CreateNode re-attaches the same volume.
#pragma once

#include <libvirt/libvirt.h>

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "drivers/hypervisor.h"
#include "drivers/libvirt/domain_xml.h"

namespace reconcile::drivers::libvirt {

// The pool a data disk lives in: its own, or else the host's.
std::string DataDiskPool(const model::DataDiskSpec& disk, const NodeRequest& request);

// The owner's data disks as the domain attaches them: in the order recorded.
std::vector<DataDisk> AttachedDataDisks(const Ownership& owner);

// Whether `volume` is one of node `name`'s data disks by our naming (metadata
// can be edited by hand: nothing else is ever deleted as one).
bool IsDataDiskOf(const OwnedVolume& volume, std::string_view name);

// Whether some domain uses volume pool/name.
using VolumeInUse = std::function<bool(const std::string& pool, const std::string& name)>;

// For CreateNode: every data disk of the request, in spec order, appended to
// owner.volumes. A missing volume is created (and added to `created`, what
// an undo removes); an existing one no domain uses is re-attached when the
// disk is kept (grown to the spec's size) and otherwise removed and made
// anew (the remains of a crashed attempt). An existing one a domain uses is
// kFailedPrecondition, untouched.
absl::Status PrepareDataDisks(virConnectPtr conn, const NodeRequest& request,
                              const VolumeInUse& in_use, Ownership& owner,
                              std::set<std::string>& created);

// For CheckCreate: each data disk's pool exists, is active and has room for
// the disks that would be created in it (a volume that exists needs none);
// a kept volume is not larger than the spec's size.
absl::Status CheckDataDisks(virConnectPtr conn, const NodeRequest& request,
                            uint64_t min_pool_free);

// For UpdateNode: data disks are not changed in place; kFailedPrecondition,
// saying what differs, when the request's are not the owner's.
absl::Status CheckDataDisksUnchanged(const NodeRequest& request, const Ownership& owner);

}  // namespace reconcile::drivers::libvirt
