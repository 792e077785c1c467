#include "drivers/libvirt/network_xml.h"

#include <openssl/evp.h>

#include <array>
#include <bit>

#include "drivers/libvirt/xml_util.h"
#include "fmt/format.h"
#include "model/nic_address.h"
#include "model/owned_network.h"

namespace reconcile::drivers::libvirt {

std::string OwnedNetworkUuid(std::string_view cluster, std::string_view network) {
  const std::string input = fmt::format("reconcile network\n{}\n{}", cluster, network);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &length, EVP_sha256(), nullptr);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x80);  // version 8
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);  // RFC 9562 variant
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += fmt::format("{:02x}", digest[i]);
  }
  return out;
}

std::string RenderOwnedNetworkXml(const model::OwnedNetworkSpec& network, std::string_view uuid) {
  const std::optional<model::OwnedNetworkLayout> layout = model::LayoutOwnedNetwork(network.cidr);
  std::string xml = fmt::format("<network>\n  <name>{}</name>\n  <uuid>{}</uuid>\n",
                                XmlEscape(network.name), XmlEscape(uuid));
  if (network.nat) xml += "  <forward mode='nat'/>\n";
  if (layout) {
    xml += fmt::format(
        "  <ip address='{}' prefix='{}'>\n    <dhcp>\n      <range start='{}' end='{}'/>\n"
        "    </dhcp>\n  </ip>\n",
        model::FormatIpv4(layout->gateway), layout->subnet.prefix,
        model::FormatIpv4(layout->dhcp_first), model::FormatIpv4(layout->dhcp_last));
  }
  xml += "</network>\n";
  return xml;
}

absl::StatusOr<std::string> NetworkSubnetOf(std::string_view network_xml) {
  absl::StatusOr<XmlDoc> doc = ParseXml(network_xml, "network XML");
  if (!doc.ok()) return doc.status();
  for (xmlNode* ip : ChildElements(xmlDocGetRootElement(doc->get()), "ip")) {
    const std::string family = AttributeOf(ip, "family");
    if (!family.empty() && family != "ipv4") continue;
    std::optional<uint32_t> address = model::ParseIpv4(AttributeOf(ip, "address"));
    if (!address) continue;
    int prefix = -1;
    if (const std::string p = AttributeOf(ip, "prefix"); !p.empty()) {
      prefix = std::atoi(p.c_str());
    } else if (std::optional<uint32_t> mask = model::ParseIpv4(AttributeOf(ip, "netmask"))) {
      prefix = std::popcount(*mask);
    }
    if (prefix < 0 || prefix > 32) continue;
    return fmt::format("{}/{}", model::FormatIpv4(*address & model::Ipv4Mask(prefix)), prefix);
  }
  return std::string();
}

}  // namespace reconcile::drivers::libvirt
