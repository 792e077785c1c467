// Small helpers over libxml2 for reading XML that libvirt hands back.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace reconcile::drivers::libvirt {

struct XmlDocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocDeleter>;

// Parses `text` without network access or entity expansion; libxml2's own
// error printing is suppressed. kInvalidArgument names `what` on failure.
absl::StatusOr<XmlDoc> ParseXml(std::string_view text, std::string_view what);

// Escapes &, <, >, " and ' for element text and attribute values.
std::string XmlEscape(std::string_view text);

// Element children of `parent` with local name `name` (any namespace).
std::vector<xmlNode*> ChildElements(xmlNode* parent, std::string_view name);
xmlNode* FirstChildElement(xmlNode* parent, std::string_view name);

// Text content of a node, "" for null.
std::string TextOf(xmlNode* node);
// Attribute value, "" when absent.
std::string AttributeOf(xmlNode* node, const char* name);

}  // namespace reconcile::drivers::libvirt
