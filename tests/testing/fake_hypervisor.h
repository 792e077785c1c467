// An in-memory Hypervisor for reconciler tests: domains are values, every call
// is recorded, and any method can be made to fail the next N times.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "drivers/hypervisor.h"

namespace reconcile::testing {

class FakeHypervisor : public drivers::Hypervisor {
 public:
  // The cluster this instance acts for, as the driver's LibvirtOptions::cluster:
  // domains of other clusters are refused. Empty: the cluster of the first
  // CreateNode, from then on.
  explicit FakeHypervisor(std::string cluster = "") : cluster_(std::move(cluster)) {}

  // Makes the next `times` calls of `method` ("create", "start", "stop",
  // "update", "delete", "list", "get", "address") return `status`.
  void FailNext(const std::string& method, absl::Status status, int times = 1);
  // A domain this tool did not create.
  void AddUnmanaged(const std::string& name, model::DomainState state);
  // A domain owned by another cluster.
  void AddForeign(const std::string& name, const std::string& cluster);
  // Only these pools and networks exist (as on a real host); until called,
  // every name exists unless marked missing.
  void SetWorld(std::set<std::string> pools, std::set<std::string> networks);
  // Behind the tool's back: change a domain's state, or remove it.
  void SetState(const std::string& name, model::DomainState state);
  void Remove(const std::string& name);
  // Makes CheckCreate (and so CreateNode) fail as the driver does when a
  // pool, network or image file is missing: `what` is a pool or network name
  // or an image's disk/kernel/initrd path. Everything exists until then.
  void MarkMissing(const std::string& what);
  // Free bytes of a pool, for CheckCreate's room for data disks; a pool not
  // set has room for anything.
  void SetPoolFree(const std::string& pool, uint64_t bytes);
  // Data disk volumes, as the driver makes them: pool/name -> capacity.
  std::map<std::string, uint64_t> volumes();
  // A network on the host that this tool did not create, active, with its subnet.
  void AddForeignNetwork(const std::string& name, const std::string& cidr);
  // Behind the tool's back: stop (or start) a network.
  void SetNetworkActive(const std::string& name, bool active);
  // Every network known to the fake (created or added), as ListNetworks of
  // cluster `cluster_` would describe it.
  std::map<std::string, drivers::NetworkInfo> networks();
  // Whether DiscoverAddress answers for running domains (a guest with no lease).
  void SetAddressesAvailable(bool available);

  std::vector<std::string> calls();  // "create lab-cp-1", ...
  int check_creates();               // CheckCreate calls so far (not in calls())
  std::map<std::string, drivers::DomainInfo> domains();

  absl::StatusOr<std::vector<drivers::DomainInfo>> ListDomains() override;
  absl::StatusOr<drivers::DomainInfo> GetDomain(std::string_view name) override;
  absl::Status CheckCreate(const drivers::NodeRequest& request) override;
  absl::StatusOr<drivers::CreatedNode> CreateNode(const drivers::NodeRequest& request) override;
  absl::Status StartNode(std::string_view name) override;
  absl::Status StopNode(std::string_view name, absl::Duration grace) override;
  absl::StatusOr<drivers::UpdateEffect> UpdateNode(const drivers::NodeRequest& request) override;
  absl::Status DeleteNode(std::string_view name, const drivers::DeleteOptions& options) override;
  absl::StatusOr<std::vector<std::string>> RemoveOrphanVolumes(std::string_view pool,
                                                               std::string_view node) override;
  absl::StatusOr<std::string> DiscoverAddress(std::string_view name,
                                              absl::Duration timeout) override;
  absl::StatusOr<std::vector<drivers::NetworkInfo>> ListNetworks(std::string_view cluster) override;
  absl::Status EnsureNetwork(const drivers::NetworkRequest& request) override;
  absl::Status DeleteNetwork(const drivers::NetworkRequest& request) override;

  static std::string HostKeyOf(std::string_view node) {
    return "ssh-ed25519 AAAAfake" + std::string(node);
  }

 private:
  absl::Status Injected(const std::string& method, std::string_view name)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CheckOwned(std::string_view name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CheckCreateLocked(const drivers::NodeRequest& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CheckDataDisksLocked(const drivers::NodeRequest& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // CreateNode's data disks, as the driver's PrepareDataDisks.
  absl::Status PrepareDataDisksLocked(const drivers::NodeRequest& request,
                                      drivers::Ownership& owner) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool VolumeUsedLocked(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Why a domain cannot join libvirt network `name` now; OK when it can.
  absl::Status NetworkUsableLocked(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  struct Network {
    std::string cluster;  // the creator; "" for a network this tool did not create
    std::string cidr;
    bool active = true;
  };

  absl::Mutex mu_;
  std::map<std::string, drivers::DomainInfo> domains_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<absl::Status>> failures_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> calls_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> addresses_ ABSL_GUARDED_BY(mu_);
  bool addresses_available_ ABSL_GUARDED_BY(mu_) = true;
  std::set<std::string> missing_ ABSL_GUARDED_BY(mu_);
  int check_creates_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<std::set<std::string>> pools_ ABSL_GUARDED_BY(mu_);
  std::optional<std::set<std::string>> networks_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Network> defined_networks_ ABSL_GUARDED_BY(mu_);
  std::string cluster_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> disk_bytes_ ABSL_GUARDED_BY(mu_);  // root disk per domain
  std::map<std::string, uint64_t> volumes_ ABSL_GUARDED_BY(mu_);     // "pool/name" -> bytes
  std::map<std::string, uint64_t> pool_free_ ABSL_GUARDED_BY(mu_);
  // Definitions stored while the domain ran: in effect at its next boot.
  std::map<std::string, drivers::DomainInfo> pending_ ABSL_GUARDED_BY(mu_);
  int next_address_ ABSL_GUARDED_BY(mu_) = 10;
};

}  // namespace reconcile::testing
