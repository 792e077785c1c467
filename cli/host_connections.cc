#include "cli/host_connections.h"

#include <functional>
#include <mutex>

#include "base/status_macros.h"
#include "drivers/libvirt/libvirt_hypervisor.h"

namespace reconcile::cli {
namespace {

using Factory = std::function<absl::StatusOr<std::unique_ptr<drivers::Hypervisor>>()>;

// A host that was down when we started: every call first tries to connect.
class ReconnectingHypervisor final : public drivers::Hypervisor {
 public:
  explicit ReconnectingHypervisor(Factory factory) : factory_(std::move(factory)) {}

  absl::StatusOr<std::vector<drivers::DomainInfo>> ListDomains() override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->ListDomains();
  }
  absl::StatusOr<drivers::DomainInfo> GetDomain(std::string_view name) override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->GetDomain(name);
  }
  absl::Status CheckCreate(const drivers::NodeRequest& request) override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->CheckCreate(request);
  }
  absl::StatusOr<drivers::CreatedNode> CreateNode(const drivers::NodeRequest& request) override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->CreateNode(request);
  }
  absl::Status StartNode(std::string_view name) override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->StartNode(name);
  }
  absl::Status StopNode(std::string_view name, absl::Duration grace) override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->StopNode(name, grace);
  }
  absl::StatusOr<drivers::UpdateEffect> UpdateNode(const drivers::NodeRequest& request) override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->UpdateNode(request);
  }
  absl::Status DeleteNode(std::string_view name, const drivers::DeleteOptions& options) override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->DeleteNode(name, options);
  }
  absl::StatusOr<std::vector<std::string>> RemoveOrphanVolumes(
      std::string_view pool, std::string_view node_name) override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->RemoveOrphanVolumes(pool, node_name);
  }
  absl::StatusOr<std::string> DiscoverAddress(std::string_view name,
                                              absl::Duration timeout) override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->DiscoverAddress(name, timeout);
  }
  absl::StatusOr<std::vector<drivers::NetworkInfo>> ListNetworks(std::string_view cluster) override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->ListNetworks(cluster);
  }
  absl::Status EnsureNetwork(const drivers::NetworkRequest& request) override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->EnsureNetwork(request);
  }
  absl::Status DeleteNetwork(const drivers::NetworkRequest& request) override {
    ASSIGN_OR_RETURN(drivers::Hypervisor * h, Get());
    return h->DeleteNetwork(request);
  }

 private:
  absl::StatusOr<drivers::Hypervisor*> Get() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!connected_) {
      ASSIGN_OR_RETURN(connected_, factory_());
    }
    return connected_.get();
  }

  Factory factory_;
  std::mutex mu_;
  std::unique_ptr<drivers::Hypervisor> connected_;
};

// "host h2: <message>" (several hosts) or the message alone: the driver's
// connect errors already name the URI ("connect to <uri>: ..."), so it is
// added only to a message that does not.
std::string WithHost(const model::HypervisorSpec& host, bool several, std::string_view message) {
  const bool names_uri = message.find(host.uri) != std::string_view::npos;
  std::string where;
  if (several) {
    where = "host " + host.name + (names_uri ? "" : " (" + host.uri + ")");
  } else if (!names_uri) {
    where = host.uri;
  }
  return where.empty() ? std::string(message) : where + ": " + std::string(message);
}

}  // namespace

absl::StatusOr<std::vector<std::unique_ptr<drivers::Hypervisor>>> OpenHosts(
    const model::Spec& spec, std::ostream& err) {
  std::vector<std::unique_ptr<drivers::Hypervisor>> out;
  const bool several = spec.Hosts().size() > 1;
  for (const model::HypervisorSpec& host : spec.Hosts()) {
    Factory open = [cluster = spec.cluster, uri = host.uri] {
      drivers::libvirt::LibvirtOptions libvirt;
      libvirt.cluster = cluster;
      libvirt.uris = {uri};
      return drivers::libvirt::MakeLibvirtHypervisor(std::move(libvirt));
    };
    absl::StatusOr<std::unique_ptr<drivers::Hypervisor>> hypervisor = open();
    if (hypervisor.ok()) {
      out.push_back(*std::move(hypervisor));
      continue;
    }
    if (several && absl::IsUnavailable(hypervisor.status())) {
      err << "reconcile: warning: "
          << WithHost(host, several, std::string(hypervisor.status().message())) << "\n";
      out.push_back(std::make_unique<ReconnectingHypervisor>(std::move(open)));
      continue;
    }
    err << "reconcile: " << WithHost(host, several, std::string(hypervisor.status().message()))
        << "\n";
    return hypervisor.status();
  }
  return out;
}

}  // namespace reconcile::cli
