#include "drivers/libvirt/network_config.h"

#include <iterator>

#include "fmt/format.h"

namespace reconcile::drivers::libvirt {

std::string RenderNetworkConfig(const std::vector<SeedNic>& nics) {
  if (nics.empty()) return "";
  // Every value here was validated (MACs are ours, addresses parsed as IPv4),
  // so none needs YAML quoting beyond the MAC's colons.
  std::string out = "version: 2\nethernets:\n";
  auto to = std::back_inserter(out);
  for (size_t i = 0; i < nics.size(); ++i) {
    const model::NodeNic& nic = nics[i].nic;
    fmt::format_to(to, "  nic{}:\n    match:\n      macaddress: \"{}\"\n", i, nics[i].mac);
    if (nic.address.empty()) {
      out += "    dhcp4: true\n";
      continue;
    }
    fmt::format_to(to, "    dhcp4: false\n    addresses:\n      - {}\n", nic.address);
    if (!nic.gateway.empty()) {
      fmt::format_to(to, "    routes:\n      - to: default\n        via: {}\n", nic.gateway);
    }
    if (!nic.dns.empty()) {
      out += "    nameservers:\n      addresses:\n";
      for (const std::string& server : nic.dns) fmt::format_to(to, "        - {}\n", server);
    }
  }
  return out;
}

}  // namespace reconcile::drivers::libvirt
