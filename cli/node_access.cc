#include "cli/node_access.h"

#include "fmt/format.h"
#include "model/names.h"

namespace reconcile::cli {

NodeAccess::NodeAccess(const ClusterSession& session)
    : session_(session), hosts_(session.Hosts()), addresses_(session.desired.spec, hosts_) {
  for (HostSet::Listing& listing : hosts_.ListEach(static_cast<int>(hosts_.hosts().size()))) {
    if (!listing.domains.ok()) {
      unreachable_[listing.host] = std::string(listing.domains.status().message());
      continue;
    }
    for (drivers::DomainInfo& domain : *listing.domains) {
      if (!domain.owner || domain.owner->cluster != session.desired.spec.cluster) continue;
      domain_host_.emplace(domain.name, listing.host);
      domains_.emplace(domain.name, std::move(domain));
    }
  }
}

absl::StatusOr<const model::Node*> NodeAccess::Find(const std::string& name) const {
  std::vector<std::string> names;
  for (const model::Node& node : session_.desired.nodes) {
    if (node.name == name) return &node;
    names.push_back(node.name);
  }
  std::string message =
      fmt::format("cluster {} has no node '{}'", session_.desired.spec.cluster, name);
  if (std::optional<std::string> close = model::ClosestMatch(name, names)) {
    message += fmt::format(", did you mean '{}'?", *close);
  } else if (!names.empty()) {
    message += fmt::format(" (its nodes: {})", fmt::join(names, ", "));
  }
  return absl::NotFoundError(message);
}

std::optional<drivers::DomainInfo> NodeAccess::Domain(const std::string& name) const {
  auto it = domains_.find(name);
  if (it == domains_.end()) return std::nullopt;
  return it->second;
}

std::string NodeAccess::HostUri(const std::string& name) const {
  const auto hosts = session_.desired.spec.Hosts();
  if (auto it = domain_host_.find(name); it != domain_host_.end()) {
    for (const model::HypervisorSpec& host : hosts) {
      if (host.name == it->second) return host.uri;
    }
  }
  return hosts.front().uri;
}

absl::StatusOr<drivers::SshTarget> NodeAccess::Target(const model::Node& node,
                                                      absl::Duration timeout) {
  if (!node.existing && !domains_.count(node.name)) {
    if (!unreachable_.empty()) {
      return absl::UnavailableError(fmt::format(
          "{} was not found, and {} could not be listed: {}", node.name,
          unreachable_.size() == 1 ? "a host" : "some hosts", unreachable_.begin()->second));
    }
    return absl::NotFoundError(fmt::format("{} is not created yet (run reconcile apply)", node.name));
  }
  return addresses_.TargetFor(node, timeout);
}

}  // namespace reconcile::cli
