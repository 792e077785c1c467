#include "bench/testdriver_world.h"

#include <functional>
#include <string_view>

#include "drivers/libvirt/domain_xml.h"
#include "drivers/libvirt/mac.h"
#include "fmt/format.h"

namespace reconcile::bench {

std::string TestDriverWorldXml(const std::vector<model::Node>& nodes, const std::string& cluster) {
  std::string xml =
      "<node>\n  <network><name>default</name><bridge name='virbr-bench'/>"
      "<ip address='192.0.2.1' netmask='255.255.255.0'/></network>\n";
  for (const model::Node& node : nodes) {
    drivers::libvirt::DomainDefinition def;
    def.domain_type = "test";
    def.name = node.name;
    def.vcpus = node.cpus;
    def.memory_bytes = node.memory_bytes;
    def.kernel = node.image.kernel;
    def.initrd = node.image.initrd;
    def.interfaces = {{"default", "", drivers::libvirt::DeterministicMac(cluster, node.name)}};
    def.guest_agent_channel = false;
    def.owner = {.cluster = cluster,
                 .group = node.group,
                 .index = node.index,
                 .hardware_hash = node.hardware_hash,
                 .host_public_key = "ssh-ed25519 AAAAbench" + node.name,
                 .image_hash = node.image_hash};
    xml += drivers::libvirt::RenderDomainXml(def);
  }
  return xml + "</node>\n";
}

absl::StatusOr<std::string> FixedAddressHypervisor::DiscoverAddress(std::string_view name,
                                                                    absl::Duration) {
  return fmt::format("192.0.2.{}", 2 + std::hash<std::string_view>()(std::string_view(name.data(), name.size())) % 250);
}

}  // namespace reconcile::bench
