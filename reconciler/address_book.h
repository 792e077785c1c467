// How to reach each node during one pass: its address and the host key it must
// present. Shared by Observe and the actions so a node's address is discovered
// once per pass, and forgotten when the node is replaced or deleted.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "drivers/hypervisor.h"
#include "drivers/node_shell.h"
#include "model/node.h"
#include "model/spec.h"

namespace reconcile {

class AddressBook {
 public:
  AddressBook(const model::Spec& spec, drivers::Hypervisor& hypervisor)
      : spec_(spec), hypervisor_(hypervisor) {}

  // An existing machine is dialled at its configured address and verified
  // against the spec's known_hosts. A created node is dialled at the address
  // libvirt reports (waiting up to `timeout` for one), or at its first NIC's
  // static address, and verified against the
  // host key recorded in its domain's metadata: no trust on first use.
  absl::StatusOr<drivers::SshTarget> TargetFor(const model::Node& node, absl::Duration timeout);

  // The address found earlier in this pass, if any.
  std::optional<std::string> KnownAddress(const std::string& node) const;

  // Drops what is known about a node (it was replaced or deleted).
  void Forget(const std::string& node);

 private:
  drivers::SshTarget BaseTarget(const model::Node& node) const;

  const model::Spec& spec_;
  drivers::Hypervisor& hypervisor_;
  mutable absl::Mutex mu_;
  std::map<std::string, drivers::SshTarget> targets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reconcile
