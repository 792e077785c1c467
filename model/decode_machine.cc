// A group's machine keys beyond sizes: `networks`, `firmware`, `arch`,
// `autostart`.
#include <string>

#include "fmt/format.h"
#include "model/decode.h"
#include "model/names.h"
#include "model/nic_address.h"
#include "model/spec_keys.h"

namespace reconcile::model {
namespace {

// A name that becomes a libvirt network or host bridge name in domain XML.
void RequireInterfaceName(YamlReader& r, const YamlNode& at, const std::string& name,
                          std::string_view what) {
  const bool ok = !name.empty() && name.size() <= 64 &&
                  name.find_first_of(" \t/'\"<>&") == std::string::npos;
  if (!ok) {
    r.Error(at, fmt::format("{} '{}' is not a usable name (no spaces, quotes, '/', '<', '>', '&')",
                            what, name.substr(0, 70)));
  }
}

void DecodeNic(const YamlNode& item, YamlReader& r, NicSpec& nic) {
  nic.location = r.At(item);
  if (item.kind == YamlNode::Kind::kScalar) {
    nic.network = item.value;
    RequireInterfaceName(r, item, nic.network, "network");
    return;
  }
  if (!r.ExpectMap(item, "networks item")) return;
  r.CheckKeys(item, keys::kNic, "a network interface");
  const YamlNode* network = item.Find("network");
  const YamlNode* bridge = item.Find("bridge");
  if ((network == nullptr) == (bridge == nullptr)) {
    r.Error(item, "a network interface takes exactly one of 'network' (a libvirt network) or "
                  "'bridge' (a bridge on the host)");
  }
  if (network) {
    nic.network = NonEmptyString(r, *network, "network").value_or("");
    RequireInterfaceName(r, *network, nic.network, "network");
  }
  if (bridge) {
    nic.bridge = NonEmptyString(r, *bridge, "bridge").value_or("");
    RequireInterfaceName(r, *bridge, nic.bridge, "bridge");
  }
  const YamlNode* address = item.Find("address");
  const YamlNode* range = item.Find("range");
  if (address && range) {
    r.Error(*range, "set 'address' (a per-node template) or 'range', not both");
  }
  if (address) nic.address = NonEmptyString(r, *address, "address").value_or("");
  if (range) nic.range = NonEmptyString(r, *range, "range").value_or("");
  if (auto* n = item.Find("gateway")) nic.gateway = NonEmptyString(r, *n, "gateway").value_or("");
  if (auto* n = item.Find("dns")) {
    if (auto servers = r.StringList(*n, "dns")) {
      for (const YamlNode* server : *servers) nic.dns.push_back(server->value);
    }
  }
  if (std::string problem = NicProblem(nic); !problem.empty()) {
    const YamlNode* at = address ? address : range ? range : &item;
    r.Error(*at, problem);
  }
}

void DecodeNetworks(const YamlNode& node, YamlReader& r, GroupSpec& group) {
  if (!r.ExpectList(node, "networks")) return;
  if (node.items.empty()) r.Error(node, "'networks' must list at least one network");
  if (node.items.size() > 8) r.Error(node, "'networks' lists more than 8 interfaces");
  for (const YamlNode& item : node.items) {
    NicSpec nic;
    DecodeNic(item, r, nic);
    group.networks.push_back(std::move(nic));
  }
}

std::optional<std::string> OneOf(YamlReader& r, const YamlNode& n, std::string_view what,
                                 std::initializer_list<std::string_view> allowed) {
  auto value = r.String(n, what);
  if (!value) return std::nullopt;
  for (std::string_view ok : allowed) {
    if (*value == ok) return value;
  }
  std::vector<std::string> names(allowed.begin(), allowed.end());
  std::string message = fmt::format("'{}' must be {}, got '{}'", what,
                                    fmt::join(allowed, " or "), value->substr(0, 40));
  if (auto suggestion = ClosestMatch(*value, names)) {
    message += fmt::format(", did you mean '{}'?", *suggestion);
  }
  r.Error(n, message);
  return std::nullopt;
}

}  // namespace

void DecodeMachine(const YamlNode& body, YamlReader& r, GroupSpec& group) {
  if (auto* n = body.Find("networks")) DecodeNetworks(*n, r, group);
  if (auto* n = body.Find("firmware")) group.firmware = OneOf(r, *n, "firmware", {"bios", "uefi"}).value_or(group.firmware);
  if (auto* n = body.Find("arch")) group.arch = OneOf(r, *n, "arch", {"x86_64", "aarch64"}).value_or(group.arch);
  if (auto* n = body.Find("autostart")) group.autostart = r.Bool(*n, "autostart").value_or(false);
}

}  // namespace reconcile::model
