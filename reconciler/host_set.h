// The hypervisor hosts of one pass behind the one Hypervisor interface.
//
// Observe lists each host separately (ListEach) so that a host that is down
// is a fact of the pass, not a failed pass; the HostSet remembers where each
// domain lives and routes every later call about a node to that host.
// CreateNode goes to the host the plan chose (NodeRequest::hypervisor.name).
// With a single host every call simply goes there. One HostSet lives for one
// pass: where a domain lives is read afresh each time.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "drivers/hypervisor.h"

namespace reconcile {

// One hypervisor host: its name in the spec and its driver (not owned; null
// when no connection could be made).
struct HostConnection {
  std::string name;
  drivers::Hypervisor* hypervisor = nullptr;
};

class HostSet final : public drivers::Hypervisor {
 public:
  explicit HostSet(std::vector<HostConnection> hosts) : hosts_(std::move(hosts)) {}

  struct Listing {
    std::string host;
    absl::StatusOr<std::vector<drivers::DomainInfo>> domains;
  };
  // Lists every host (in parallel, in host order); remembers where each
  // domain lives.
  std::vector<Listing> ListEach(int parallel);

  const std::vector<HostConnection>& hosts() const { return hosts_; }

  // The networks of one host, by its spec name.
  absl::StatusOr<std::vector<drivers::NetworkInfo>> ListNetworksOn(const std::string& host,
                                                                   std::string_view cluster);

  // drivers::Hypervisor, routed to each node's host; these declarations repeat
  // the interface's, as every implementation's must.
  // Every domain of every host; fails when any host fails.
  absl::StatusOr<std::vector<drivers::DomainInfo>> ListDomains() override;
  absl::StatusOr<drivers::DomainInfo> GetDomain(std::string_view name) override;
  absl::Status CheckCreate(const drivers::NodeRequest& request) override;
  absl::StatusOr<drivers::CreatedNode> CreateNode(const drivers::NodeRequest& request) override;
  absl::Status StartNode(std::string_view name) override;
  absl::Status StopNode(std::string_view name, absl::Duration grace) override;
  absl::StatusOr<drivers::UpdateEffect> UpdateNode(const drivers::NodeRequest& request) override;
  absl::Status DeleteNode(std::string_view name, const drivers::DeleteOptions& options) override;
  absl::StatusOr<std::vector<std::string>> RemoveOrphanVolumes(std::string_view pool,
                                                               std::string_view node_name) override;
  absl::StatusOr<std::string> DiscoverAddress(std::string_view name,
                                              absl::Duration timeout) override;
  // Every network of every host; fails when any host fails.
  absl::StatusOr<std::vector<drivers::NetworkInfo>> ListNetworks(std::string_view cluster) override;
  // Routed by request.hypervisor.name, as CreateNode.
  absl::Status EnsureNetwork(const drivers::NetworkRequest& request) override;
  absl::Status DeleteNetwork(const drivers::NetworkRequest& request) override;

 private:
  // The host a request names; the only host when there is one.
  absl::StatusOr<drivers::Hypervisor*> RequestHost(const model::HypervisorSpec& named) const;
  // The driver of the host `node` lives on; the only host when there is one.
  absl::StatusOr<drivers::Hypervisor*> Route(std::string_view node);
  absl::StatusOr<drivers::Hypervisor*> Named(const std::string& host) const;

  const std::vector<HostConnection> hosts_;
  absl::Mutex mu_;
  std::map<std::string, std::string, std::less<>> location_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reconcile
