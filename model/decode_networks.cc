// A hypervisor's `create_network`: one network, or a list of them, that the
// cluster creates on that host and owns.
#include <string>

#include "fmt/format.h"
#include "model/decode.h"
#include "model/owned_network.h"
#include "model/spec_keys.h"

namespace reconcile::model {
namespace {

void DecodeOwnedNetwork(const YamlNode& item, YamlReader& r, OwnedNetworkSpec& network) {
  network.location = r.At(item);
  if (!r.ExpectMap(item, "create_network")) return;
  const YamlNode* name = item.Find("name");
  if (name != nullptr) {
    network.name = NonEmptyString(r, *name, "name").value_or("");
    if (!network.name.empty()) RequireDnsLabel(r, *name, network.name, "network");
  }
  const std::string where = network.name.empty() ? std::string("create_network")
                                                 : fmt::format("network '{}'", network.name);
  r.CheckKeys(item, keys::kOwnedNetwork, where);
  if (name == nullptr) r.Error(item, "create_network needs a 'name' (the libvirt network's)");
  if (const YamlNode* n = item.Find("cidr")) {
    if (auto cidr = NonEmptyString(r, *n, "cidr")) {
      if (std::string problem = OwnedNetworkCidrProblem(*cidr); !problem.empty()) {
        r.Error(*n, problem);
      } else {
        network.cidr = *cidr;
      }
    }
  } else {
    r.Error(item, fmt::format("{} needs a 'cidr' (e.g. 10.78.0.0/24)", where));
  }
  if (const YamlNode* n = item.Find("forward")) {
    auto forward = r.String(*n, "forward");
    if (forward == "nat" || forward == "none") {
      network.nat = *forward == "nat";
    } else if (forward) {
      r.Error(*n, fmt::format("'forward' must be 'nat' (the host masquerades) or 'none' "
                              "(isolated), got '{}'",
                              forward->substr(0, 20)));
    }
  }
}

}  // namespace

void DecodeOwnedNetworks(const YamlNode& host_node, YamlReader& r, HypervisorSpec& host) {
  const YamlNode* node = host_node.Find("create_network");
  if (node == nullptr) return;
  std::vector<const YamlNode*> items;
  if (node->kind == YamlNode::Kind::kSequence) {
    for (const YamlNode& item : node->items) items.push_back(&item);
  } else {
    items.push_back(node);  // the one-network form
  }
  for (const YamlNode* item : items) {
    OwnedNetworkSpec network;
    DecodeOwnedNetwork(*item, r, network);
    bool clash = false;
    for (const OwnedNetworkSpec& other : host.create_networks) {
      if (!network.name.empty() && other.name == network.name) {
        r.Error(*item, fmt::format("network '{}' is listed twice in create_network", network.name));
        clash = true;
      } else if (!network.cidr.empty() && !other.cidr.empty() &&
                 SubnetsOverlap(*ParseIpv4Cidr(network.cidr), *ParseIpv4Cidr(other.cidr))) {
        r.Error(*item, fmt::format("network '{}' ({}) overlaps network '{}' ({}): their "
                                   "addresses would be ambiguous on the host",
                                   network.name, network.cidr, other.name, other.cidr));
        clash = true;
      }
    }
    if (!clash) host.create_networks.push_back(std::move(network));
  }
}

}  // namespace reconcile::model
