#include "tests/testing/fake_hypervisor.h"

#include <algorithm>

#include "fmt/format.h"
#include "fmt/ranges.h"

namespace reconcile::testing {

using drivers::DomainInfo;
using model::DomainState;

namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

std::string DiskPool(const model::DataDiskSpec& disk, const drivers::NodeRequest& request) {
  return disk.pool.empty() ? request.hypervisor.pool : disk.pool;
}
// The driver's names (drivers/libvirt/storage.h), so tests read the same.
std::string DiskVolume(const std::string& node, const std::string& disk) {
  return fmt::format("{}-disk.{}.qcow2", node, disk);
}
std::string Key(const std::string& pool, const std::string& name) {
  return fmt::format("{}/{}", pool, name);
}

}  // namespace

void FakeHypervisor::SetPoolFree(const std::string& pool, uint64_t bytes) {
  absl::MutexLock lock(&mu_);
  pool_free_[pool] = bytes;
}

std::map<std::string, uint64_t> FakeHypervisor::volumes() {
  absl::MutexLock lock(&mu_);
  return volumes_;
}

bool FakeHypervisor::VolumeUsedLocked(const std::string& key) {
  for (const auto& [name, domain] : domains_) {
    if (!domain.owner) continue;
    for (const drivers::OwnedVolume& v : domain.owner->volumes) {
      if (Key(v.pool, v.name) == key) return true;
    }
  }
  return false;
}

// As the driver's CheckDataDisks: pools exist, room for what is created,
// kept volumes not larger than asked.
absl::Status FakeHypervisor::CheckDataDisksLocked(const drivers::NodeRequest& request) {
  std::map<std::string, uint64_t> needed;
  for (const model::DataDiskSpec& disk : request.node.data_disks) {
    const std::string pool = DiskPool(disk, request);
    if (missing_.count(pool) || (pools_ && !pools_->count(pool))) {
      return absl::FailedPreconditionError(
          fmt::format("data disks: storage pool \"{}\" does not exist", pool));
    }
    auto volume = volumes_.find(Key(pool, DiskVolume(request.node.name, disk.name)));
    if (volume == volumes_.end()) {
      needed[pool] += disk.size_bytes;
    } else if (disk.keep && volume->second > disk.size_bytes) {
      return absl::FailedPreconditionError(fmt::format(
          "kept disk '{}' holds {} MiB, more than the {} MiB asked for; a disk is never shrunk",
          disk.name, volume->second / kMiB, disk.size_bytes / kMiB));
    }
  }
  for (const auto& [pool, bytes] : needed) {
    auto free = pool_free_.find(pool);
    if (free != pool_free_.end() && free->second < bytes) {
      return absl::FailedPreconditionError(fmt::format(
          "data disks: storage pool \"{}\" has {} KiB free; creating a node needs at least {} KiB",
          pool, free->second >> 10, bytes >> 10));
    }
  }
  return absl::OkStatus();
}

absl::Status FakeHypervisor::PrepareDataDisksLocked(const drivers::NodeRequest& request,
                                                    drivers::Ownership& owner) {
  const model::Node& node = request.node;
  for (const model::DataDiskSpec& disk : node.data_disks) {
    const std::string pool = DiskPool(disk, request);
    const std::string name = DiskVolume(node.name, disk.name);
    const std::string key = Key(pool, name);
    if (volumes_.count(key) && VolumeUsedLocked(key)) {
      return absl::FailedPreconditionError(
          fmt::format("node {}: volume {} exists and a domain uses it", node.name, key));
    }
    // Kept: re-attached, grown (CheckDataDisksLocked refused a larger one).
    // Not kept: a crashed attempt's remains, made anew.
    uint64_t& bytes = volumes_[key];
    bytes = disk.keep ? std::max(bytes, disk.size_bytes) : disk.size_bytes;
    owner.volumes.push_back({pool, name, disk.name, disk.size_bytes});
  }
  return absl::OkStatus();
}

void FakeHypervisor::FailNext(const std::string& method, absl::Status status, int times) {
  absl::MutexLock lock(&mu_);
  for (int i = 0; i < times; ++i) failures_[method].push_back(status);
}

void FakeHypervisor::AddUnmanaged(const std::string& name, DomainState state) {
  absl::MutexLock lock(&mu_);
  domains_[name] = DomainInfo{.name = name, .state = state, .vcpus = 1, .memory_bytes = 1 << 30};
}

void FakeHypervisor::AddForeign(const std::string& name, const std::string& cluster) {
  absl::MutexLock lock(&mu_);
  domains_[name] = DomainInfo{.name = name, .state = DomainState::kRunning, .vcpus = 1,
                              .memory_bytes = 1 << 30,
                              .owner = drivers::Ownership{.cluster = cluster, .group = "db"}};
}

void FakeHypervisor::AddForeignNetwork(const std::string& name, const std::string& cidr) {
  absl::MutexLock lock(&mu_);
  defined_networks_[name] = Network{.cidr = cidr};
}

void FakeHypervisor::SetNetworkActive(const std::string& name, bool active) {
  absl::MutexLock lock(&mu_);
  defined_networks_[name].active = active;
}

std::map<std::string, drivers::NetworkInfo> FakeHypervisor::networks() {
  absl::MutexLock lock(&mu_);
  std::map<std::string, drivers::NetworkInfo> out;
  for (const auto& [name, network] : defined_networks_) {
    out[name] = drivers::NetworkInfo{.name = name, .owned = !network.cluster.empty() && network.cluster == cluster_,
                                     .active = network.active, .cidr = network.cidr};
  }
  return out;
}

absl::Status FakeHypervisor::NetworkUsableLocked(const std::string& name) {
  auto defined = defined_networks_.find(name);
  if (defined != defined_networks_.end()) {
    if (defined->second.active) return absl::OkStatus();
    return absl::FailedPreconditionError(fmt::format("network \"{}\" is not active", name));
  }
  if (missing_.count(name) || (networks_ && !networks_->count(name))) {
    return absl::FailedPreconditionError(fmt::format("network \"{}\" does not exist", name));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<drivers::NetworkInfo>> FakeHypervisor::ListNetworks(
    std::string_view cluster) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Injected("list-networks", ""); !s.ok()) return s;
  std::vector<drivers::NetworkInfo> out;
  // The world's networks (SetWorld), of unknown subnet, then the defined ones.
  if (networks_) {
    for (const std::string& name : *networks_) {
      if (!defined_networks_.count(name)) out.push_back({.name = name, .active = true});
    }
  }
  for (const auto& [name, network] : defined_networks_) {
    out.push_back({.name = name, .owned = !network.cluster.empty() && network.cluster == cluster,
                   .active = network.active, .cidr = network.cidr});
  }
  return out;
}

absl::Status FakeHypervisor::EnsureNetwork(const drivers::NetworkRequest& request) {
  absl::MutexLock lock(&mu_);
  const std::string& name = request.network.name;
  if (absl::Status s = Injected("ensure-network", name); !s.ok()) return s;
  auto defined = defined_networks_.find(name);
  const bool foreign = (networks_ && networks_->count(name)) ||
                       (defined != defined_networks_.end() && defined->second.cluster != request.cluster);
  if (foreign) {
    return absl::FailedPreconditionError(fmt::format(
        "network \"{}\" exists and was not created by cluster {}", name, request.cluster));
  }
  if (defined == defined_networks_.end()) {
    defined_networks_[name] = Network{.cluster = request.cluster, .cidr = request.network.cidr};
    return absl::OkStatus();
  }
  if (defined->second.cidr != request.network.cidr) {
    return absl::FailedPreconditionError(fmt::format(
        "network \"{}\" was created with subnet {}, the spec asks for {}", name,
        defined->second.cidr, request.network.cidr));
  }
  defined->second.active = true;
  return absl::OkStatus();
}

absl::Status FakeHypervisor::DeleteNetwork(const drivers::NetworkRequest& request) {
  absl::MutexLock lock(&mu_);
  const std::string& name = request.network.name;
  if (absl::Status s = Injected("delete-network", name); !s.ok()) return s;
  auto defined = defined_networks_.find(name);
  if (defined == defined_networks_.end() && !(networks_ && networks_->count(name))) {
    return absl::OkStatus();
  }
  if (defined == defined_networks_.end() || defined->second.cluster != request.cluster) {
    return absl::FailedPreconditionError(
        fmt::format("network \"{}\" was not created by cluster {}", name, request.cluster));
  }
  for (const auto& [domain_name, domain] : domains_) {
    if (std::find(domain.networks.begin(), domain.networks.end(), name) != domain.networks.end()) {
      return absl::FailedPreconditionError(fmt::format(
          "network \"{}\" is not deleted: domain {} has an interface on it", name, domain_name));
    }
  }
  defined_networks_.erase(defined);
  return absl::OkStatus();
}

void FakeHypervisor::SetWorld(std::set<std::string> pools, std::set<std::string> networks) {
  absl::MutexLock lock(&mu_);
  pools_ = std::move(pools);
  networks_ = std::move(networks);
}

void FakeHypervisor::SetState(const std::string& name, DomainState state) {
  absl::MutexLock lock(&mu_);
  domains_.at(name).state = state;
}

void FakeHypervisor::Remove(const std::string& name) {
  absl::MutexLock lock(&mu_);
  domains_.erase(name);
}

void FakeHypervisor::SetAddressesAvailable(bool available) {
  absl::MutexLock lock(&mu_);
  addresses_available_ = available;
}

std::vector<std::string> FakeHypervisor::calls() {
  absl::MutexLock lock(&mu_);
  return calls_;
}

std::map<std::string, DomainInfo> FakeHypervisor::domains() {
  absl::MutexLock lock(&mu_);
  return domains_;
}

absl::Status FakeHypervisor::Injected(const std::string& method, std::string_view name) {
  calls_.push_back(name.empty() ? method : fmt::format("{} {}", method, std::string(name)));
  auto it = failures_.find(method);
  if (it == failures_.end() || it->second.empty()) return absl::OkStatus();
  absl::Status status = it->second.front();
  it->second.erase(it->second.begin());
  return status;
}

absl::Status FakeHypervisor::CheckOwned(std::string_view name) {
  auto it = domains_.find(std::string(name));
  if (it == domains_.end()) return absl::NotFoundError(fmt::format("no domain {}", std::string(name)));
  if (!it->second.owner) {
    return absl::FailedPreconditionError(fmt::format("{} is not managed by reconcile", std::string(name)));
  }
  if (!cluster_.empty() && it->second.owner->cluster != cluster_) {
    return absl::FailedPreconditionError(fmt::format("domain {} belongs to cluster \"{}\", not \"{}\"",
                                                     std::string(name), it->second.owner->cluster,
                                                     cluster_));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<DomainInfo>> FakeHypervisor::ListDomains() {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Injected("list", ""); !s.ok()) return s;
  std::vector<DomainInfo> out;
  for (const auto& [name, domain] : domains_) out.push_back(domain);
  return out;
}

absl::StatusOr<DomainInfo> FakeHypervisor::GetDomain(std::string_view name) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Injected("get", name); !s.ok()) return s;
  auto it = domains_.find(std::string(name));
  if (it == domains_.end()) return absl::NotFoundError(fmt::format("no domain {}", std::string(name)));
  return it->second;
}

void FakeHypervisor::MarkMissing(const std::string& what) {
  absl::MutexLock lock(&mu_);
  missing_.insert(what);
}

absl::Status FakeHypervisor::CheckCreateLocked(const drivers::NodeRequest& request) {
  const model::Node& node = request.node;
  const model::ImageSpec& image = node.image;
  if (!cluster_.empty() && request.cluster != cluster_) {
    return absl::InvalidArgumentError(fmt::format("request for cluster \"{}\" sent to the driver of \"{}\"",
                                                  request.cluster, cluster_));
  }
  if (missing_.count(request.hypervisor.pool) ||
      (pools_ && !pools_->count(request.hypervisor.pool))) {
    return absl::FailedPreconditionError(
        fmt::format("storage pool \"{}\" does not exist", request.hypervisor.pool));
  }
  if (absl::Status s = CheckDataDisksLocked(request); !s.ok()) return s;
  // The node's NICs, as the driver's Interfaces(): without `networks`, one
  // on the host's network. After SetWorld no bridge exists (as in libvirt's
  // test driver); before it, every one does unless marked missing.
  std::vector<model::NodeNic> nics = node.nics;
  if (nics.empty()) nics.push_back({.network = request.hypervisor.network});
  for (const model::NodeNic& nic : nics) {
    if (!nic.bridge.empty()) {
      if (missing_.count(nic.bridge) || networks_) {
        return absl::FailedPreconditionError(
            fmt::format("bridge \"{}\" does not exist on the host", nic.bridge));
      }
    } else if (request.hypervisor.FindCreatedNetwork(nic.network) == nullptr) {
      // The driver skips the cluster's own networks: the plan makes them first.
      if (absl::Status s = NetworkUsableLocked(nic.network); !s.ok()) return s;
    }
  }
  if (node.arch != "x86_64" && node.arch != "i686") {
    return absl::FailedPreconditionError(fmt::format("the host offers no {} guests", node.arch));
  }
  for (const std::string* path : {&image.disk, &image.source, &image.kernel, &image.initrd}) {
    if (!path->empty() && missing_.count(*path)) {
      return absl::FailedPreconditionError(
          fmt::format("image {}: {} cannot be read: No such file or directory", image.name, *path));
    }
  }
  return absl::OkStatus();
}

int FakeHypervisor::check_creates() {
  absl::MutexLock lock(&mu_);
  return check_creates_;
}

absl::Status FakeHypervisor::CheckCreate(const drivers::NodeRequest& request) {
  absl::MutexLock lock(&mu_);
  ++check_creates_;
  return CheckCreateLocked(request);
}

absl::StatusOr<drivers::CreatedNode> FakeHypervisor::CreateNode(const drivers::NodeRequest& request) {
  absl::MutexLock lock(&mu_);
  const model::Node& node = request.node;
  if (absl::Status s = Injected("create", node.name); !s.ok()) return s;
  if (absl::Status s = CheckCreateLocked(request); !s.ok()) return s;
  // libvirt itself refuses to start a domain on a network that is not there.
  std::vector<model::NodeNic> nics = node.nics;
  if (nics.empty()) nics.push_back({.network = request.hypervisor.network});
  std::vector<std::string> joined;
  for (const model::NodeNic& nic : nics) {
    if (nic.network.empty()) continue;
    if (absl::Status s = NetworkUsableLocked(nic.network); !s.ok()) return s;
    joined.push_back(nic.network);
  }
  if (cluster_.empty()) cluster_ = request.cluster;
  if (domains_.count(node.name)) {
    return absl::AlreadyExistsError(fmt::format("domain {} exists", node.name));
  }
  DomainInfo domain{.name = node.name, .state = DomainState::kRunning, .vcpus = node.cpus,
                    .memory_bytes = node.memory_bytes, .networks = joined};
  domain.owner = drivers::Ownership{.cluster = request.cluster, .group = node.group,
                                    .index = node.index, .hardware_hash = node.hardware_hash,
                                    .host_public_key = HostKeyOf(node.name),
                                    .image_hash = node.image_hash};
  if (absl::Status s = PrepareDataDisksLocked(request, *domain.owner); !s.ok()) return s;
  for (const drivers::OwnedVolume& v : domain.owner->volumes) domain.disks.push_back(Key(v.pool, v.name));
  domains_[node.name] = domain;
  disk_bytes_[node.name] = node.disk_bytes;
  addresses_[node.name] = fmt::format("192.0.2.{}", next_address_++);
  return drivers::CreatedNode{.domain = domain, .host_key_fingerprint = "SHA256:fake"};
}

absl::Status FakeHypervisor::StartNode(std::string_view name) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Injected("start", name); !s.ok()) return s;
  if (absl::Status s = CheckOwned(name); !s.ok()) return s;
  DomainInfo& domain = domains_[std::string(name)];
  if (domain.state != DomainState::kRunning && domain.state != DomainState::kPaused) {
    // A boot takes up a definition stored while it ran.
    if (auto next = pending_.find(std::string(name)); next != pending_.end()) {
      domain = next->second;
      pending_.erase(next);
    }
  }
  domain.state = DomainState::kRunning;
  return absl::OkStatus();
}

absl::Status FakeHypervisor::StopNode(std::string_view name, absl::Duration) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Injected("stop", name); !s.ok()) return s;
  if (absl::Status s = CheckOwned(name); !s.ok()) return s;
  domains_[std::string(name)].state = DomainState::kShutOff;
  return absl::OkStatus();
}

absl::StatusOr<drivers::UpdateEffect> FakeHypervisor::UpdateNode(const drivers::NodeRequest& request) {
  absl::MutexLock lock(&mu_);
  const model::Node& node = request.node;
  if (absl::Status s = Injected("update", node.name); !s.ok()) return s;
  if (absl::Status s = CheckOwned(node.name); !s.ok()) return s;
  DomainInfo& domain = domains_[node.name];
  // As the driver: nothing to do, a disk never shrunk, a restart only for
  // cpus or memory of an active domain.
  if (domain.owner->hardware_hash == node.hardware_hash && domain.vcpus == node.cpus &&
      domain.memory_bytes == node.memory_bytes) {
    return drivers::UpdateEffect::kUnchanged;
  }
  // As the driver: data disks are not changed in place.
  std::vector<drivers::OwnedVolume> wanted;
  for (const model::DataDiskSpec& disk : node.data_disks) {
    wanted.push_back({DiskPool(disk, request), DiskVolume(node.name, disk.name), disk.name,
                      disk.size_bytes});
  }
  std::vector<drivers::OwnedVolume> recorded;
  for (const drivers::OwnedVolume& v : domain.owner->volumes) {
    if (!v.disk.empty()) recorded.push_back(v);
  }
  auto by_name = [](const drivers::OwnedVolume& a, const drivers::OwnedVolume& b) {
    return a.disk < b.disk;
  };
  std::sort(wanted.begin(), wanted.end(), by_name);
  std::sort(recorded.begin(), recorded.end(), by_name);
  if (wanted != recorded) {
    return absl::FailedPreconditionError(
        fmt::format("node {}: data disks are not changed in place", node.name));
  }
  uint64_t& disk = disk_bytes_[node.name];
  if (node.disk_bytes != 0 && node.disk_bytes < disk) {
    return absl::FailedPreconditionError(
        fmt::format("node {}: disk is never shrunk", node.name));
  }
  if (node.disk_bytes != 0) disk = node.disk_bytes;
  const bool sizes_changed = domain.vcpus != node.cpus || domain.memory_bytes != node.memory_bytes;
  const bool active = domain.state == DomainState::kRunning || domain.state == DomainState::kPaused;
  DomainInfo next = domain;
  next.vcpus = node.cpus;
  next.memory_bytes = node.memory_bytes;
  next.owner->hardware_hash = node.hardware_hash;
  if (active && sizes_changed) {
    // As libvirt: the running domain shows its old definition until it boots.
    pending_[node.name] = next;
    return drivers::UpdateEffect::kNeedsRestart;
  }
  domain = next;
  return drivers::UpdateEffect::kApplied;
}

absl::Status FakeHypervisor::DeleteNode(std::string_view name,
                                        const drivers::DeleteOptions& options) {
  absl::MutexLock lock(&mu_);
  // "delete lab-db-1", or "delete lab-db-1 keeping data" for a replace's.
  const std::string what =
      options.keep_disks.empty()
          ? std::string(name)
          : fmt::format("{} keeping {}", name, fmt::join(options.keep_disks, ","));
  if (absl::Status s = Injected("delete", what); !s.ok()) return s;
  if (!domains_.count(std::string(name))) return absl::OkStatus();
  if (absl::Status s = CheckOwned(name); !s.ok()) return s;
  const auto& keep = options.keep_disks;
  for (const drivers::OwnedVolume& v : domains_[std::string(name)].owner->volumes) {
    if (v.disk.empty() || std::find(keep.begin(), keep.end(), v.disk) != keep.end()) continue;
    volumes_.erase(Key(v.pool, v.name));
  }
  domains_.erase(std::string(name));
  pending_.erase(std::string(name));
  disk_bytes_.erase(std::string(name));
  addresses_.erase(std::string(name));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> FakeHypervisor::RemoveOrphanVolumes(std::string_view,
                                                                             std::string_view) {
  return std::vector<std::string>{};
}

absl::StatusOr<std::string> FakeHypervisor::DiscoverAddress(std::string_view name, absl::Duration) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Injected("address", name); !s.ok()) return s;
  auto it = domains_.find(std::string(name));
  if (it == domains_.end() || it->second.state != DomainState::kRunning || !addresses_available_) {
    return absl::DeadlineExceededError(fmt::format("{}: no address (lease, agent, arp)", std::string(name)));
  }
  return addresses_[std::string(name)];
}

}  // namespace reconcile::testing
