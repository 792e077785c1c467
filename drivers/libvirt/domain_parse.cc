#include "drivers/libvirt/domain_parse.h"

#include "absl/strings/numbers.h"
#include "base/status_macros.h"
#include "drivers/libvirt/metadata.h"
#include "drivers/libvirt/xml_util.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

uint64_t BytesOf(xmlNode* memory) {
  uint64_t value = 0;
  if (!absl::SimpleAtoi(TextOf(memory), &value)) return 0;
  const std::string unit = AttributeOf(memory, "unit");
  if (unit == "b" || unit == "bytes") return value;
  if (unit == "MiB" || unit == "M") return value << 20;
  if (unit == "GiB" || unit == "G") return value << 30;
  return value << 10;  // KiB, libvirt's default and what it reports
}

std::string DiskSource(xmlNode* disk) {
  xmlNode* source = FirstChildElement(disk, "source");
  if (source == nullptr) return "";
  if (std::string file = AttributeOf(source, "file"); !file.empty()) return file;
  if (std::string dev = AttributeOf(source, "dev"); !dev.empty()) return dev;
  const std::string pool = AttributeOf(source, "pool");
  const std::string volume = AttributeOf(source, "volume");
  if (!volume.empty()) return fmt::format("{}/{}", pool, volume);
  return "";
}

}  // namespace

absl::StatusOr<DomainInfo> ParseDomainXml(std::string_view xml) {
  ASSIGN_OR_RETURN(XmlDoc doc, ParseXml(xml, "domain XML"));
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (std::string_view(reinterpret_cast<const char*>(root->name)) != "domain") {
    return absl::InvalidArgumentError("domain XML: root element is not <domain>");
  }
  DomainInfo info;
  info.name = TextOf(FirstChildElement(root, "name"));
  info.uuid = TextOf(FirstChildElement(root, "uuid"));
  if (!absl::SimpleAtoi(TextOf(FirstChildElement(root, "vcpu")), &info.vcpus)) info.vcpus = 0;
  info.memory_bytes = BytesOf(FirstChildElement(root, "memory"));
  xmlNode* devices = FirstChildElement(root, "devices");
  for (xmlNode* disk : ChildElements(devices, "disk")) {
    if (std::string source = DiskSource(disk); !source.empty()) info.disks.push_back(source);
  }
  for (xmlNode* nic : ChildElements(devices, "interface")) {
    if (std::string mac = AttributeOf(FirstChildElement(nic, "mac"), "address"); !mac.empty()) {
      info.macs.push_back(mac);
    }
    if (AttributeOf(nic, "type") == "network") {
      std::string network = AttributeOf(FirstChildElement(nic, "source"), "network");
      if (!network.empty()) info.networks.push_back(std::move(network));
    }
  }
  for (xmlNode* element : ChildElements(FirstChildElement(root, "metadata"), "node")) {
    if (!IsOwnershipElement(element)) continue;
    if (auto owner = ParseOwnershipElement(element); owner.ok()) info.owner = *std::move(owner);
  }
  return info;
}

}  // namespace reconcile::drivers::libvirt
