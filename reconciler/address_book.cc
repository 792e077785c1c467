#include "reconciler/address_book.h"

#include "base/status_macros.h"
#include "fmt/format.h"

namespace reconcile {

drivers::SshTarget AddressBook::BaseTarget(const model::Node& node) const {
  drivers::SshTarget target;
  target.node = node.name;
  target.port = spec_.ssh.port;
  target.user = spec_.ssh.user;
  target.identity_file = spec_.ssh.identity;
  target.known_hosts_file = spec_.ssh.known_hosts;
  target.accept_unknown_host_keys = spec_.ssh.accept_unknown_host_keys;
  target.connect_timeout = spec_.ssh.connect_timeout;
  target.jump_host = spec_.ssh.jump_host;
  target.netns = spec_.ssh.netns;
  target.become = spec_.ssh.become;
  return target;
}

absl::StatusOr<drivers::SshTarget> AddressBook::TargetFor(const model::Node& node,
                                                          absl::Duration timeout) {
  {
    absl::MutexLock lock(&mu_);
    if (auto it = targets_.find(node.name); it != targets_.end()) return it->second;
  }
  drivers::SshTarget target = BaseTarget(node);
  if (node.existing) {
    target.host = node.address;
  } else {
    ASSIGN_OR_RETURN(drivers::DomainInfo domain, hypervisor_.GetDomain(node.name));
    if (!domain.owner || domain.owner->host_public_key.empty()) {
      return absl::FailedPreconditionError(fmt::format(
          "{}: the domain records no SSH host key; it cannot be verified", node.name));
    }
    target.expected_host_keys = {domain.owner->host_public_key};
    if (!node.nics.empty() && !node.nics.front().address.empty()) {
      // A static address is known before the guest is up; reaching it is
      // the SSH connection's wait, as a lease is for DHCP.
      const std::string& address = node.nics.front().address;
      target.host = address.substr(0, address.find('/'));
    } else {
      ASSIGN_OR_RETURN(target.host, hypervisor_.DiscoverAddress(node.name, timeout));
    }
  }
  absl::MutexLock lock(&mu_);
  targets_[node.name] = target;
  return target;
}

std::optional<std::string> AddressBook::KnownAddress(const std::string& node) const {
  absl::MutexLock lock(&mu_);
  auto it = targets_.find(node);
  if (it == targets_.end()) return std::nullopt;
  return it->second.host;
}

void AddressBook::Forget(const std::string& node) {
  absl::MutexLock lock(&mu_);
  targets_.erase(node);
}

}  // namespace reconcile
