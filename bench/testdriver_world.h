// A libvirt test-driver world of N running domains owned by the benchmark's
// cluster (bench/cluster_fixture.h), written as a fixture file for
// `test:///abs/path.xml`; and a Hypervisor wrapper that gives each node a
// made-up address, since the test driver (rightly) hands out none, so the
// probe path runs against a fake node shell.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "drivers/hypervisor.h"
#include "model/node.h"

namespace reconcile::bench {

// The fixture XML: a network "default" and one test domain per node, with
// this project's ownership metadata matching the node (so nothing is drift).
std::string TestDriverWorldXml(const std::vector<model::Node>& nodes, const std::string& cluster);

// Delegates everything to `inner` except DiscoverAddress, which answers
// 192.0.2.x (TEST-NET-1: documentation only; the fake shell never dials it).
class FixedAddressHypervisor final : public drivers::Hypervisor {
 public:
  explicit FixedAddressHypervisor(std::unique_ptr<drivers::Hypervisor> inner) : inner_(std::move(inner)) {}
  absl::StatusOr<std::vector<drivers::DomainInfo>> ListDomains() override { return inner_->ListDomains(); }
  absl::StatusOr<drivers::DomainInfo> GetDomain(std::string_view name) override {
    return inner_->GetDomain(name);
  }
  absl::Status CheckCreate(const drivers::NodeRequest& request) override {
    return inner_->CheckCreate(request);
  }
  absl::StatusOr<drivers::CreatedNode> CreateNode(const drivers::NodeRequest& request) override {
    return inner_->CreateNode(request);
  }
  absl::Status StartNode(std::string_view name) override { return inner_->StartNode(name); }
  absl::Status StopNode(std::string_view name, absl::Duration grace) override {
    return inner_->StopNode(name, grace);
  }
  absl::StatusOr<drivers::UpdateEffect> UpdateNode(const drivers::NodeRequest& request) override {
    return inner_->UpdateNode(request);
  }
  absl::Status DeleteNode(std::string_view name, const drivers::DeleteOptions& options) override {
    return inner_->DeleteNode(name, options);
  }
  absl::StatusOr<std::vector<std::string>> RemoveOrphanVolumes(std::string_view pool,
                                                               std::string_view node) override {
    return inner_->RemoveOrphanVolumes(pool, node);
  }
  absl::StatusOr<std::string> DiscoverAddress(std::string_view name, absl::Duration) override;
  absl::StatusOr<std::vector<drivers::NetworkInfo>> ListNetworks(std::string_view cluster) override {
    return inner_->ListNetworks(cluster);
  }
  absl::Status EnsureNetwork(const drivers::NetworkRequest& request) override {
    return inner_->EnsureNetwork(request);
  }
  absl::Status DeleteNetwork(const drivers::NetworkRequest& request) override {
    return inner_->DeleteNetwork(request);
  }

 private:
  std::unique_ptr<drivers::Hypervisor> inner_;
};

}  // namespace reconcile::bench
