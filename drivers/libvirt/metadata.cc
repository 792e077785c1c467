#include "drivers/libvirt/metadata.h"

#include <string.h>

#include <iterator>

#include "absl/strings/numbers.h"
#include "base/status_macros.h"
#include "drivers/libvirt/xml_util.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

absl::StatusOr<std::string> RequiredText(xmlNode* parent, std::string_view field) {
  xmlNode* node = FirstChildElement(parent, field);
  if (node == nullptr) {
    return absl::InvalidArgumentError(fmt::format("ownership metadata: missing <{}>", field));
  }
  return TextOf(node);
}

// A data disk's name and size; nothing for the overlay and seed, so their
// elements read as they always have.
std::string DataDiskAttributes(const OwnedVolume& volume) {
  if (volume.disk.empty()) return "";
  return fmt::format(" disk=\"{}\" bytes=\"{}\"", XmlEscape(volume.disk), volume.bytes);
}

}  // namespace

bool IsOwnershipElement(const xmlNode* element) {
  return element != nullptr && element->type == XML_ELEMENT_NODE &&
         element->ns != nullptr && element->ns->href != nullptr &&
         kOwnershipNamespace == reinterpret_cast<const char*>(element->ns->href) &&
         kOwnershipElement == reinterpret_cast<const char*>(element->name);
}

std::string RenderOwnershipXml(const Ownership& owner, int indent, bool prefixed) {
  const std::string pad(indent, ' ');
  const std::string p = prefixed ? fmt::format("{}:", kOwnershipPrefix) : "";
  auto field = [&](std::string_view name, std::string_view value) {
    return fmt::format("{}  <{}{}>{}</{}{}>\n", pad, p, name, XmlEscape(value), p, name);
  };
  std::string out = prefixed ? fmt::format("{}<{}{} xmlns:{}=\"{}\">\n", pad, p, kOwnershipElement,
                                           kOwnershipPrefix, kOwnershipNamespace)
                             : fmt::format("{}<{}>\n", pad, kOwnershipElement);
  auto to = std::back_inserter(out);
  out += field("cluster", owner.cluster);
  out += field("group", owner.group);
  out += field("index", fmt::format("{}", owner.index));
  out += field("hardware-hash", owner.hardware_hash);
  out += field("image-hash", owner.image_hash);
  out += field("host-key", owner.host_public_key);
  if (owner.volumes.empty()) {
    fmt::format_to(to, "{}  <{}volumes/>\n", pad, p);
  } else {
    fmt::format_to(to, "{}  <{}volumes>\n", pad, p);
    for (const OwnedVolume& v : owner.volumes) {
      fmt::format_to(to, "{}    <{}volume pool=\"{}\" name=\"{}\"{}/>\n", pad, p,
                     XmlEscape(v.pool), XmlEscape(v.name), DataDiskAttributes(v));
    }
    fmt::format_to(to, "{}  </{}volumes>\n", pad, p);
  }
  fmt::format_to(to, "{}</{}{}>\n", pad, p, kOwnershipElement);
  return out;
}

absl::StatusOr<Ownership> ParseOwnershipElement(xmlNode* element) {
  if (!IsOwnershipElement(element)) {
    return absl::InvalidArgumentError(
        fmt::format("ownership metadata: expected <node> in namespace {}", kOwnershipNamespace));
  }
  Ownership owner;
  ASSIGN_OR_RETURN(owner.cluster, RequiredText(element, "cluster"));
  ASSIGN_OR_RETURN(owner.group, RequiredText(element, "group"));
  ASSIGN_OR_RETURN(std::string index, RequiredText(element, "index"));
  if (!absl::SimpleAtoi(index, &owner.index) || owner.index < 0) {
    return absl::InvalidArgumentError(
        fmt::format("ownership metadata: <index> is not a number: \"{}\"", index));
  }
  ASSIGN_OR_RETURN(owner.hardware_hash, RequiredText(element, "hardware-hash"));
  ASSIGN_OR_RETURN(owner.image_hash, RequiredText(element, "image-hash"));
  ASSIGN_OR_RETURN(owner.host_public_key, RequiredText(element, "host-key"));
  if (owner.cluster.empty()) {
    return absl::InvalidArgumentError("ownership metadata: <cluster> is empty");
  }
  xmlNode* volumes = FirstChildElement(element, "volumes");
  if (volumes == nullptr) {
    return absl::InvalidArgumentError("ownership metadata: missing <volumes>");
  }
  for (xmlNode* v : ChildElements(volumes, "volume")) {
    OwnedVolume volume{AttributeOf(v, "pool"), AttributeOf(v, "name")};
    if (volume.pool.empty() || volume.name.empty()) {
      return absl::InvalidArgumentError(
          "ownership metadata: <volume> needs pool and name attributes");
    }
    volume.disk = AttributeOf(v, "disk");
    if (!volume.disk.empty() && !absl::SimpleAtoi(AttributeOf(v, "bytes"), &volume.bytes)) {
      return absl::InvalidArgumentError(fmt::format(
          "ownership metadata: data disk \"{}\" has no size in bytes", volume.disk));
    }
    owner.volumes.push_back(std::move(volume));
  }
  return owner;
}

absl::StatusOr<Ownership> ParseOwnershipXml(std::string_view xml) {
  ASSIGN_OR_RETURN(XmlDoc doc, ParseXml(xml, "ownership metadata"));
  return ParseOwnershipElement(xmlDocGetRootElement(doc.get()));
}

}  // namespace reconcile::drivers::libvirt
