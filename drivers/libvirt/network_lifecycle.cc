// ListNetworks, EnsureNetwork, DeleteNetwork: the networks a cluster creates
// (network_xml.h says how a network is known to be the cluster's).
#include <libvirt/libvirt.h>

#include <cstdlib>

#include "absl/cleanup/cleanup.h"
#include "base/status_macros.h"
#include "drivers/libvirt/errors.h"
#include "drivers/libvirt/libvirt_hypervisor_impl.h"
#include "drivers/libvirt/network_xml.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

std::string UuidOf(virNetworkPtr network) {
  char uuid[VIR_UUID_STRING_BUFLEN] = {};
  if (virNetworkGetUUIDString(network, uuid) != 0) {
    virResetLastError();
    return "";
  }
  return uuid;
}

absl::StatusOr<NetworkInfo> DescribeNetwork(virNetworkPtr network, std::string_view cluster) {
  NetworkInfo info;
  const char* name = virNetworkGetName(network);
  if (name == nullptr) return LastLibvirtError("network name");
  info.name = name;
  info.owned = UuidOf(network) == OwnedNetworkUuid(cluster, info.name);
  info.active = virNetworkIsActive(network) == 1;
  char* xml = virNetworkGetXMLDesc(network, 0);
  if (xml == nullptr) return LastLibvirtError(fmt::format("network \"{}\" XML", info.name));
  ASSIGN_OR_RETURN(info.cidr, NetworkSubnetOf(TakeLibvirtString(xml)));
  return info;
}

}  // namespace

absl::StatusOr<std::vector<NetworkInfo>> LibvirtHypervisor::ListNetworks(std::string_view cluster) {
  ASSIGN_OR_RETURN(ConnectionHandle held, Conn());
  virNetworkPtr* networks = nullptr;
  const int n = virConnectListAllNetworks(held.get(), &networks, 0);
  if (n < 0) return LastLibvirtError("list networks");
  std::vector<NetworkHandle> handles;
  for (int i = 0; i < n; ++i) handles.emplace_back(networks[i]);
  free(networks);
  std::vector<NetworkInfo> out;
  for (const NetworkHandle& network : handles) {
    absl::StatusOr<NetworkInfo> info = DescribeNetwork(network.get(), cluster);
    if (absl::IsNotFound(info.status())) continue;  // undefined meanwhile
    if (!info.ok()) return info.status();
    out.push_back(*std::move(info));
  }
  return out;
}

absl::Status LibvirtHypervisor::EnsureNetwork(const NetworkRequest& request) {
  const model::OwnedNetworkSpec& spec = request.network;
  ASSIGN_OR_RETURN(ConnectionHandle held, Conn());
  virConnectPtr conn = held.get();
  const std::string uuid = OwnedNetworkUuid(request.cluster, spec.name);
  NetworkHandle existing(virNetworkLookupByName(conn, spec.name.c_str()));
  if (existing) {
    ASSIGN_OR_RETURN(NetworkInfo info, DescribeNetwork(existing.get(), request.cluster));
    if (!info.owned) {
      return absl::FailedPreconditionError(fmt::format(
          "network \"{}\" exists and was not created by cluster {}; it is never touched: "
          "name another network in create_network, or use it as an existing network",
          spec.name, request.cluster));
    }
    if (info.cidr != spec.cidr) {
      return absl::FailedPreconditionError(fmt::format(
          "network \"{}\" was created with subnet {}, the spec asks for {}; a network's subnet "
          "is not changed under its nodes: give the network a new name",
          spec.name, info.cidr.empty() ? "(none)" : info.cidr, spec.cidr));
    }
    if (!info.active && virNetworkCreate(existing.get()) != 0) {
      return LastLibvirtError(fmt::format("start network \"{}\"", spec.name));
    }
    return absl::OkStatus();
  }
  absl::Status lookup = LastLibvirtError(fmt::format("network \"{}\"", spec.name));
  if (!absl::IsNotFound(lookup)) return lookup;
  const std::string xml = RenderOwnedNetworkXml(spec, uuid);
  NetworkHandle defined(virNetworkDefineXML(conn, xml.c_str()));
  if (!defined) return LastLibvirtError(fmt::format("define network \"{}\"", spec.name));
  // A network this call defined and could not start is removed again: the
  // next pass starts from nothing rather than from a half-made network.
  absl::Cleanup undefine = [&] {
    virNetworkDestroy(defined.get());
    virNetworkUndefine(defined.get());
    virResetLastError();
  };
  if (virNetworkCreate(defined.get()) != 0) {
    return LastLibvirtError(fmt::format("start network \"{}\"", spec.name));
  }
  if (virNetworkSetAutostart(defined.get(), 1) != 0) {
    return LastLibvirtError(fmt::format("autostart network \"{}\"", spec.name));
  }
  std::move(undefine).Cancel();
  return absl::OkStatus();
}

absl::Status LibvirtHypervisor::DeleteNetwork(const NetworkRequest& request) {
  const std::string& name = request.network.name;
  ASSIGN_OR_RETURN(ConnectionHandle held, Conn());
  virConnectPtr conn = held.get();
  NetworkHandle network(virNetworkLookupByName(conn, name.c_str()));
  if (!network) {
    absl::Status status = LastLibvirtError(fmt::format("network \"{}\"", name));
    return absl::IsNotFound(status) ? absl::OkStatus() : status;
  }
  if (UuidOf(network.get()) != OwnedNetworkUuid(request.cluster, name)) {
    return absl::FailedPreconditionError(fmt::format(
        "network \"{}\" was not created by cluster {}; it is never deleted", name,
        request.cluster));
  }
  ASSIGN_OR_RETURN(std::vector<DomainInfo> domains, DescribeAll(conn));
  for (const DomainInfo& domain : domains) {
    for (const std::string& used : domain.networks) {
      if (used == name) {
        return absl::FailedPreconditionError(fmt::format(
            "network \"{}\" is not deleted: domain {} has an interface on it", name, domain.name));
      }
    }
  }
  if (virNetworkIsActive(network.get()) == 1 && virNetworkDestroy(network.get()) != 0) {
    return LastLibvirtError(fmt::format("stop network \"{}\"", name));
  }
  if (virNetworkUndefine(network.get()) != 0) {
    return LastLibvirtError(fmt::format("undefine network \"{}\"", name));
  }
  return absl::OkStatus();
}

}  // namespace reconcile::drivers::libvirt
