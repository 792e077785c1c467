// Finding one node of a cluster from the command line (known-hosts, ssh,
// console): which host it lives on and how to reach and verify it, learned
// the way a pass learns it (HostSet listing, then AddressBook).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/cluster_session.h"
#include "reconciler/address_book.h"
#include "reconciler/host_set.h"

namespace reconcile::cli {

class NodeAccess {
 public:
  // Lists every host of the session once. Hosts that cannot be listed are
  // kept in unreachable().
  explicit NodeAccess(const ClusterSession& session);

  // The spec's node of that name; kNotFound with a did-you-mean otherwise.
  absl::StatusOr<const model::Node*> Find(const std::string& name) const;

  // The domain a created node lives in; nullopt when it is not created (or
  // its host could not be listed).
  std::optional<drivers::DomainInfo> Domain(const std::string& name) const;
  // The URI of the hypervisor host the node's domain lives on.
  std::string HostUri(const std::string& name) const;

  // Address and expected host key, waiting up to `timeout` for an address.
  absl::StatusOr<drivers::SshTarget> Target(const model::Node& node, absl::Duration timeout);

  // Host name -> why it could not be listed.
  const std::map<std::string, std::string>& unreachable() const { return unreachable_; }

 private:
  const ClusterSession& session_;
  HostSet hosts_;
  AddressBook addresses_;
  std::map<std::string, drivers::DomainInfo> domains_;  // by name
  std::map<std::string, std::string> domain_host_;      // domain -> host name
  std::map<std::string, std::string> unreachable_;
};

}  // namespace reconcile::cli
