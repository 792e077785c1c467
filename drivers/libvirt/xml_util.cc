#include "drivers/libvirt/xml_util.h"

#include <mutex>

#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {
void IgnoreXmlError(void* /*ctx*/, const char* /*msg*/, ...) {}
}  // namespace

absl::StatusOr<XmlDoc> ParseXml(std::string_view text, std::string_view what) {
  static std::once_flag once;
  std::call_once(once, [] { xmlSetGenericErrorFunc(nullptr, IgnoreXmlError); });
  xmlDoc* doc = xmlReadMemory(text.data(), static_cast<int>(text.size()), "noname.xml",
                              nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                           XML_PARSE_NOWARNING);
  if (doc == nullptr || xmlDocGetRootElement(doc) == nullptr) {
    const xmlError* error = xmlGetLastError();
    std::string detail = error != nullptr && error->message != nullptr ? error->message
                                                                       : "not XML";
    while (!detail.empty() && detail.back() == '\n') detail.pop_back();
    if (doc != nullptr) xmlFreeDoc(doc);
    return absl::InvalidArgumentError(fmt::format("{}: {}", what, detail));
  }
  return XmlDoc(doc);
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<xmlNode*> ChildElements(xmlNode* parent, std::string_view name) {
  std::vector<xmlNode*> out;
  if (parent == nullptr) return out;
  for (xmlNode* n = parent->children; n != nullptr; n = n->next) {
    if (n->type == XML_ELEMENT_NODE &&
        name == reinterpret_cast<const char*>(n->name)) {
      out.push_back(n);
    }
  }
  return out;
}

xmlNode* FirstChildElement(xmlNode* parent, std::string_view name) {
  auto all = ChildElements(parent, name);
  return all.empty() ? nullptr : all.front();
}

std::string TextOf(xmlNode* node) {
  if (node == nullptr) return "";
  xmlChar* content = xmlNodeGetContent(node);
  std::string out = content != nullptr ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return out;
}

std::string AttributeOf(xmlNode* node, const char* name) {
  if (node == nullptr) return "";
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  std::string out = value != nullptr ? reinterpret_cast<const char*>(value) : "";
  xmlFree(value);
  return out;
}

}  // namespace reconcile::drivers::libvirt
