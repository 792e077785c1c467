#include "drivers/libvirt/libvirt_hypervisor.h"

#include <libvirt/libvirt.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "base/status_macros.h"
#include "drivers/libvirt/address_discovery.h"
#include "drivers/libvirt/domain_parse.h"
#include "drivers/libvirt/errors.h"
#include "drivers/libvirt/libvirt_hypervisor_impl.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {

using model::DomainState;

namespace {

DomainState StateOf(int state, int reason) {
  switch (state) {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
      return DomainState::kRunning;
    case VIR_DOMAIN_PAUSED:
    case VIR_DOMAIN_PMSUSPENDED:
      return DomainState::kPaused;
    case VIR_DOMAIN_SHUTOFF:
      return reason == VIR_DOMAIN_SHUTOFF_CRASHED ? DomainState::kCrashed
                                                  : DomainState::kShutOff;
    case VIR_DOMAIN_CRASHED:
      return DomainState::kCrashed;
    default:
      return DomainState::kOther;
  }
}

// "test" for libvirt's test driver; "kvm" when the host offers it, else "qemu" (TCG).
std::string DomainTypeFor(virConnectPtr conn) {
  const char* type = virConnectGetType(conn);
  if (type != nullptr && absl::EqualsIgnoreCase(type, "test")) return "test";  // "TEST"
  char* caps = virConnectGetDomainCapabilities(conn, nullptr, "x86_64", nullptr, "kvm", 0);
  virResetLastError();
  if (caps == nullptr) return "qemu";
  free(caps);
  return "kvm";
}

}  // namespace

LibvirtHypervisor::LibvirtHypervisor(LibvirtOptions options,
                                     std::shared_ptr<Connection> connection,
                                     std::string offered_type)
    : options_(std::move(options)),
      offered_type_(std::move(offered_type)),
      connection_(std::move(connection)) {
  if (!options_.clock) options_.clock = std::shared_ptr<Clock>(&Clock::Real(), [](Clock*) {});
}

absl::StatusOr<DomainHandle> LibvirtHypervisor::Lookup(virConnectPtr conn, std::string_view name) {
  DomainHandle domain(virDomainLookupByName(conn, std::string(name).c_str()));
  if (!domain) return LastLibvirtError(fmt::format("domain {}", name));
  return domain;
}

absl::StatusOr<DomainInfo> LibvirtHypervisor::Describe(virDomainPtr domain) {
  const char* got = virDomainGetName(domain);  // NULL only on a libvirt error
  const std::string_view name = got != nullptr ? got : "";
  char* xml = virDomainGetXMLDesc(domain, 0);
  if (xml == nullptr) return LastLibvirtError(fmt::format("describe domain {}", name));
  ASSIGN_OR_RETURN(DomainInfo info, ParseDomainXml(TakeLibvirtString(xml)));
  int state = 0, reason = 0;
  if (virDomainGetState(domain, &state, &reason, 0) != 0) {
    return LastLibvirtError(fmt::format("state of domain {}", name));
  }
  info.state = StateOf(state, reason);
  return info;
}

absl::StatusOr<LibvirtHypervisor::OwnedDomain> LibvirtHypervisor::LookupOwned(
    std::string_view name) {
  ASSIGN_OR_RETURN(ConnectionHandle held, Conn());
  virConnectPtr conn = held.get();
  ASSIGN_OR_RETURN(DomainHandle handle, Lookup(conn, name));
  ASSIGN_OR_RETURN(DomainInfo info, Describe(handle.get()));
  if (!info.owner) {
    return absl::FailedPreconditionError(
        fmt::format("domain {} is not managed by reconcile (no metadata in namespace {}): refusing "
                    "to modify it",
                    name, kOwnershipNamespace));
  }
  if (info.owner->cluster != options_.cluster) {
    return absl::FailedPreconditionError(
        fmt::format("domain {} belongs to cluster \"{}\", not \"{}\": refusing to modify it", name,
                    info.owner->cluster, options_.cluster));
  }
  return OwnedDomain{std::move(handle), std::move(info)};
}

absl::StatusOr<std::vector<DomainInfo>> LibvirtHypervisor::DescribeAll(virConnectPtr conn) {
  virDomainPtr* domains = nullptr;
  const int n = virConnectListAllDomains(conn, &domains, 0);
  if (n < 0) return LastLibvirtError("list domains");
  std::vector<DomainHandle> handles;
  for (int i = 0; i < n; ++i) handles.emplace_back(domains[i]);
  free(domains);
  std::vector<DomainInfo> out;
  for (const DomainHandle& domain : handles) {
    absl::StatusOr<DomainInfo> info = Describe(domain.get());
    if (absl::IsNotFound(info.status())) continue;  // undefined meanwhile
    if (!info.ok()) return info.status();
    out.push_back(*std::move(info));
  }
  return out;
}

absl::StatusOr<std::vector<DomainInfo>> LibvirtHypervisor::ListDomains() {
  ASSIGN_OR_RETURN(ConnectionHandle held, Conn());
  return DescribeAll(held.get());
}

absl::StatusOr<DomainInfo> LibvirtHypervisor::GetDomain(std::string_view name) {
  ASSIGN_OR_RETURN(ConnectionHandle held, Conn());
  virConnectPtr conn = held.get();
  ASSIGN_OR_RETURN(DomainHandle domain, Lookup(conn, name));
  return Describe(domain.get());
}

absl::StatusOr<std::string> LibvirtHypervisor::DiscoverAddress(std::string_view name,
                                                               absl::Duration timeout) {
  if (offered_type_ == "test") {
    // The test driver invents addresses for its pretend guests. Nothing there
    // is a node of ours, so never hand one out to be dialled.
    return absl::UnavailableError(fmt::format(
        "{}: libvirt's test driver runs no real guests; it has no address to reach", name));
  }
  auto query = [&](AddressSource source) -> absl::StatusOr<std::vector<std::string>> {
    ASSIGN_OR_RETURN(ConnectionHandle held, Conn());
    virConnectPtr conn = held.get();
    ASSIGN_OR_RETURN(DomainHandle domain, Lookup(conn, name));
    ASSIGN_OR_RETURN(DomainInfo info, Describe(domain.get()));
    if (info.state != DomainState::kRunning) {
      // A guest that died (or was stopped by QEMU on an internal error) will
      // never get a lease: say so now, with what it printed, instead of
      // after the whole timeout.
      return absl::FailedPreconditionError(fmt::format("domain {} is {} before it got an address{}",
                                                       name, model::DomainStateText(info.state),
                                                       LogTails(name)));
    }
    const unsigned int flag = source == AddressSource::kLease
                                  ? VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE
                              : source == AddressSource::kAgent
                                  ? VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT
                                  : VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP;
    virDomainInterfacePtr* ifaces = nullptr;
    const int n = virDomainInterfaceAddresses(domain.get(), &ifaces, flag, 0);
    if (n < 0) return LastLibvirtError(AddressSourceName(source));
    std::vector<std::string> found;
    for (int i = 0; i < n; ++i) {
      // Leases outlive their domains: only trust this domain's own MACs.
      const std::string mac =
          absl::AsciiStrToLower(ifaces[i]->hwaddr != nullptr ? ifaces[i]->hwaddr : "");
      bool ours = false;
      for (const std::string& m : info.macs) ours |= absl::AsciiStrToLower(m) == mac;
      for (unsigned j = 0; ours && j < ifaces[i]->naddrs; ++j) {
        if (ifaces[i]->addrs[j].type == VIR_IP_ADDR_TYPE_IPV4) {
          found.push_back(ifaces[i]->addrs[j].addr);
        }
      }
      virDomainInterfaceFree(ifaces[i]);
    }
    free(ifaces);
    return found;
  };
  return PollForAddress(name, query, *options_.clock, timeout);
}

absl::StatusOr<std::unique_ptr<Hypervisor>> MakeLibvirtHypervisorOn(
    LibvirtOptions options, std::shared_ptr<Connection> connection) {
  if (options.cluster.empty()) {
    return absl::InvalidArgumentError("libvirt hypervisor: cluster name is empty");
  }
  ASSIGN_OR_RETURN(ConnectionHandle held, connection->Get());
  virConnectPtr conn = held.get();
  std::string offered_type = DomainTypeFor(conn);
  return std::make_unique<LibvirtHypervisor>(std::move(options), std::move(connection),
                                             std::move(offered_type));
}

absl::StatusOr<std::unique_ptr<Hypervisor>> MakeLibvirtHypervisor(LibvirtOptions options) {
  if (options.uris.size() != 1) {
    return absl::InvalidArgumentError(fmt::format(
        "libvirt hypervisor: exactly one URI is supported today, got {}", options.uris.size()));
  }
  auto connection = std::make_shared<Connection>(options.uris.front(), options.keepalive);
  return MakeLibvirtHypervisorOn(std::move(options), std::move(connection));
}

}  // namespace reconcile::drivers::libvirt
