#include "reconciler/host_set.h"

#include "base/parallel.h"
#include "base/status_macros.h"
#include "fmt/format.h"

namespace reconcile {

std::vector<HostSet::Listing> HostSet::ListEach(int parallel) {
  std::vector<Listing> out;
  for (const HostConnection& host : hosts_) {
    out.push_back({host.name, absl::UnavailableError("not listed")});
  }
  ForEachBounded(hosts_.size(), parallel, [&](size_t i) {
    if (hosts_[i].hypervisor == nullptr) {
      out[i].domains = absl::UnavailableError("no connection to this host");
      return;
    }
    out[i].domains = hosts_[i].hypervisor->ListDomains();
  });
  absl::MutexLock lock(&mu_);
  for (const Listing& listing : out) {
    if (!listing.domains.ok()) continue;
    for (const drivers::DomainInfo& domain : *listing.domains) {
      location_.emplace(domain.name, listing.host);  // the first host wins a duplicate
    }
  }
  return out;
}

absl::StatusOr<drivers::Hypervisor*> HostSet::Named(const std::string& host) const {
  for (const HostConnection& connection : hosts_) {
    if (connection.name != host) continue;
    if (connection.hypervisor == nullptr) {
      return absl::UnavailableError(fmt::format("host {}: no connection", host));
    }
    return connection.hypervisor;
  }
  return absl::InvalidArgumentError(fmt::format("no hypervisor host named '{}'", host));
}

absl::StatusOr<drivers::Hypervisor*> HostSet::Route(std::string_view node) {
  if (hosts_.size() == 1) return Named(hosts_.front().name);
  std::string host;
  {
    absl::MutexLock lock(&mu_);
    auto it = location_.find(node);
    if (it == location_.end()) {
      return absl::NotFoundError(fmt::format("domain {} was not seen on any host", std::string(node)));
    }
    host = it->second;
  }
  return Named(host);
}

absl::StatusOr<std::vector<drivers::DomainInfo>> HostSet::ListDomains() {
  std::vector<drivers::DomainInfo> all;
  for (Listing& listing : ListEach(static_cast<int>(hosts_.size()))) {
    if (!listing.domains.ok()) {
      return absl::Status(listing.domains.status().code(),
                          fmt::format("host {}: {}", listing.host,
                                      std::string(listing.domains.status().message())));
    }
    for (drivers::DomainInfo& domain : *listing.domains) all.push_back(std::move(domain));
  }
  return all;
}

absl::StatusOr<drivers::DomainInfo> HostSet::GetDomain(std::string_view name) {
  ASSIGN_OR_RETURN(drivers::Hypervisor * hypervisor, Route(name));
  return hypervisor->GetDomain(name);
}

absl::Status HostSet::CheckCreate(const drivers::NodeRequest& request) {
  drivers::Hypervisor* hypervisor = nullptr;
  ASSIGN_OR_RETURN(hypervisor,
                   Named(hosts_.size() == 1 ? hosts_.front().name : request.hypervisor.name));
  return hypervisor->CheckCreate(request);
}

absl::StatusOr<drivers::CreatedNode> HostSet::CreateNode(const drivers::NodeRequest& request) {
  drivers::Hypervisor* hypervisor = nullptr;
  if (hosts_.size() == 1) {
    ASSIGN_OR_RETURN(hypervisor, Named(hosts_.front().name));
  } else {
    ASSIGN_OR_RETURN(hypervisor, Named(request.hypervisor.name));
  }
  {
    absl::MutexLock lock(&mu_);
    location_[request.node.name] = hosts_.size() == 1 ? hosts_.front().name : request.hypervisor.name;
  }
  return hypervisor->CreateNode(request);
}

absl::Status HostSet::StartNode(std::string_view name) {
  ASSIGN_OR_RETURN(drivers::Hypervisor * hypervisor, Route(name));
  return hypervisor->StartNode(name);
}

absl::Status HostSet::StopNode(std::string_view name, absl::Duration grace) {
  ASSIGN_OR_RETURN(drivers::Hypervisor * hypervisor, Route(name));
  return hypervisor->StopNode(name, grace);
}

absl::StatusOr<drivers::UpdateEffect> HostSet::UpdateNode(const drivers::NodeRequest& request) {
  ASSIGN_OR_RETURN(drivers::Hypervisor * hypervisor, Route(request.node.name));
  return hypervisor->UpdateNode(request);
}

absl::Status HostSet::DeleteNode(std::string_view name, const drivers::DeleteOptions& options) {
  ASSIGN_OR_RETURN(drivers::Hypervisor * hypervisor, Route(name));
  return hypervisor->DeleteNode(name, options);
}

absl::StatusOr<std::vector<std::string>> HostSet::RemoveOrphanVolumes(std::string_view pool,
                                                                      std::string_view node_name) {
  ASSIGN_OR_RETURN(drivers::Hypervisor * hypervisor, Route(node_name));
  return hypervisor->RemoveOrphanVolumes(pool, node_name);
}

absl::StatusOr<std::string> HostSet::DiscoverAddress(std::string_view name,
                                                     absl::Duration timeout) {
  ASSIGN_OR_RETURN(drivers::Hypervisor * hypervisor, Route(name));
  return hypervisor->DiscoverAddress(name, timeout);
}

absl::StatusOr<drivers::Hypervisor*> HostSet::RequestHost(const model::HypervisorSpec& named) const {
  return Named(hosts_.size() == 1 ? hosts_.front().name : named.name);
}

absl::StatusOr<std::vector<drivers::NetworkInfo>> HostSet::ListNetworksOn(const std::string& host,
                                                                          std::string_view cluster) {
  ASSIGN_OR_RETURN(drivers::Hypervisor * hypervisor, Named(host));
  return hypervisor->ListNetworks(cluster);
}

absl::StatusOr<std::vector<drivers::NetworkInfo>> HostSet::ListNetworks(std::string_view cluster) {
  std::vector<drivers::NetworkInfo> all;
  for (const HostConnection& connection : hosts_) {
    absl::StatusOr<std::vector<drivers::NetworkInfo>> networks = ListNetworksOn(connection.name, cluster);
    if (!networks.ok()) {
      return absl::Status(networks.status().code(),
                          fmt::format("host {}: {}", connection.name,
                                      std::string(networks.status().message())));
    }
    for (drivers::NetworkInfo& network : *networks) all.push_back(std::move(network));
  }
  return all;
}

absl::Status HostSet::EnsureNetwork(const drivers::NetworkRequest& request) {
  ASSIGN_OR_RETURN(drivers::Hypervisor * hypervisor, RequestHost(request.hypervisor));
  return hypervisor->EnsureNetwork(request);
}

absl::Status HostSet::DeleteNetwork(const drivers::NetworkRequest& request) {
  ASSIGN_OR_RETURN(drivers::Hypervisor * hypervisor, RequestHost(request.hypervisor));
  return hypervisor->DeleteNetwork(request);
}

}  // namespace reconcile
