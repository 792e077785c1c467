// Internal: the class behind MakeLibvirtHypervisor, split over
// libvirt_hypervisor.cc (observation), node_creation.cc (create, update),
// node_lifecycle.cc (start, stop, delete, orphans) and network_lifecycle.cc
// (the networks a cluster creates).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <utility>

#include "drivers/libvirt/connection.h"
#include "drivers/libvirt/domain_xml.h"
#include "drivers/libvirt/handles.h"
#include "drivers/libvirt/libvirt_hypervisor.h"

namespace reconcile::drivers::libvirt {

// The node's NICs in order, each with its deterministic MAC (mac.h);
// without `networks`, one on the host's network (node_creation.cc).
std::vector<DomainInterface> Interfaces(const NodeRequest& request);

class LibvirtHypervisor final : public Hypervisor {
 public:
  LibvirtHypervisor(LibvirtOptions options, std::shared_ptr<Connection> connection,
                    std::string offered_type);

  absl::StatusOr<std::vector<DomainInfo>> ListDomains() override;
  absl::StatusOr<DomainInfo> GetDomain(std::string_view name) override;
  absl::Status CheckCreate(const NodeRequest& request) override;
  absl::StatusOr<CreatedNode> CreateNode(const NodeRequest& request) override;
  absl::Status StartNode(std::string_view name) override;
  absl::Status StopNode(std::string_view name, absl::Duration grace) override;
  absl::StatusOr<UpdateEffect> UpdateNode(const NodeRequest& request) override;
  absl::Status DeleteNode(std::string_view name, const DeleteOptions& options) override;
  absl::StatusOr<std::vector<std::string>> RemoveOrphanVolumes(std::string_view pool,
                                                               std::string_view node_name) override;
  absl::StatusOr<std::string> DiscoverAddress(std::string_view name,
                                              absl::Duration timeout) override;
  absl::StatusOr<std::vector<NetworkInfo>> ListNetworks(std::string_view cluster) override;
  absl::Status EnsureNetwork(const NetworkRequest& request) override;
  absl::Status DeleteNetwork(const NetworkRequest& request) override;

 private:
  struct OwnedDomain {
    DomainHandle handle;
    DomainInfo info;
  };

  // A reference to the connection, held for the whole call.
  absl::StatusOr<ConnectionHandle> Conn() { return connection_->Get(); }
  // kNotFound when no domain has that name.
  absl::StatusOr<DomainHandle> Lookup(virConnectPtr conn, std::string_view name);
  absl::StatusOr<DomainInfo> Describe(virDomainPtr domain);
  // Every domain on the connection, described (those undefined meanwhile left out).
  absl::StatusOr<std::vector<DomainInfo>> DescribeAll(virConnectPtr conn);
  // The domain, re-read now, if this cluster owns it; kFailedPrecondition
  // for unmanaged domains or those of another cluster.
  absl::StatusOr<OwnedDomain> LookupOwned(std::string_view name);
  absl::Status RunStep(std::string_view step);
  // The definition for a request, given the node's ownership record;
  // kFailedPrecondition when the host cannot give its domain type or CPU.
  absl::StatusOr<DomainDefinition> DefinitionFor(const NodeRequest& request,
                                                 const Ownership& owner) const;
  // Whether this process sees the host's files (a local URI), so kernel,
  // initrd, base image and log files can be checked and read.
  bool LocalHost() const;
  // Every disk source ("pool/volume" or a path) of every domain but `except`.
  absl::StatusOr<std::set<std::string>> DisksOfOtherDomains(virConnectPtr conn,
                                                            std::string_view except);
  // Whether volume pool/name is among `disks`, by pool/name or by its path.
  // virDomainUndefine, removing the domain's NVRAM (UEFI variables) with it:
  // it belongs to the node. -1 and libvirt's error on failure.
  static int UndefineWithNvram(virDomainPtr domain);
  static bool UsedBy(virConnectPtr conn, const std::set<std::string>& disks, std::string_view pool,
                     std::string_view name);
  // The last lines of the node's console and QEMU logs, where readable.
  std::string LogTails(std::string_view name) const;
  absl::Status ValidateRequest(const NodeRequest& request) const;

  LibvirtOptions options_;
  std::string offered_type_;  // "kvm" (offered, not proven to work), "qemu" or "test"
  std::shared_ptr<Connection> connection_;
};

}  // namespace reconcile::drivers::libvirt
