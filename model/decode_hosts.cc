// The `hypervisors:` list (several libvirt hosts) and a group's `placement`.
#include <set>
#include <string>

#include "fmt/format.h"
#include "model/decode.h"
#include "model/spec_keys.h"

namespace reconcile::model {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kTiB = uint64_t{1} << 40;

void DecodeCapacity(const YamlNode& node, YamlReader& r, HostCapacity& out) {
  if (!r.ExpectMap(node, "capacity")) return;
  r.CheckKeys(node, keys::kCapacity, "capacity");
  if (auto* n = node.Find("cpus")) out.cpus = static_cast<int>(r.Int(*n, "cpus", 1, 65536).value_or(0));
  if (auto* n = node.Find("memory")) out.memory_bytes = r.Size(*n, "memory", 64 * kMiB, 1024 * kTiB).value_or(0);
  if (auto* n = node.Find("domains")) {
    out.domains = static_cast<int>(r.Int(*n, "domains", 1, kMaxTotalNodes).value_or(0));
  }
}

void DecodeHost(const YamlNode& item, YamlReader& r, HypervisorSpec& host) {
  host.location = r.At(item);
  host.name.clear();  // no defaults for these: a host must say who it is
  host.uri.clear();
  if (!r.ExpectMap(item, "hypervisors item")) return;
  if (const YamlNode* n = item.Find("name")) {
    host.location = r.At(*n);
    if (auto name = NonEmptyString(r, *n, "name")) {
      host.name = *name;
      RequireDnsLabel(r, *n, *name, "hypervisor");
    }
  } else {
    r.Error(item, "a hypervisor needs a 'name'");
  }
  const std::string where =
      host.name.empty() ? std::string("a hypervisor") : fmt::format("hypervisor '{}'", host.name);
  r.CheckKeys(item, keys::kHypervisorsItem, where);
  if (auto* n = item.Find("uri")) {
    host.uri = NonEmptyString(r, *n, "uri").value_or("");
  } else {
    // Several hosts have no sensible default URI: qemu:///system twice is one host.
    r.Error(item, fmt::format("{} needs a 'uri' (e.g. qemu+ssh://host/system)", where));
  }
  if (auto* n = item.Find("network")) host.network = NonEmptyString(r, *n, "network").value_or(host.network);
  if (auto* n = item.Find("pool")) host.pool = NonEmptyString(r, *n, "pool").value_or(host.pool);
  DecodeGuestPlatform(item, r, host);
  DecodeOwnedNetworks(item, r, host);
  if (auto* n = item.Find("capacity")) DecodeCapacity(*n, r, host.capacity);
}

}  // namespace

void DecodeGuestPlatform(const YamlNode& node, YamlReader& r, HypervisorSpec& host) {
  if (auto* n = node.Find("domain_type")) {
    auto type = r.String(*n, "domain_type");
    if (type == "auto" || type == "kvm" || type == "qemu") {
      host.domain_type = *type;
    } else if (type) {
      r.Error(*n, fmt::format("'domain_type' must be 'auto', 'kvm' or 'qemu' (TCG), got '{}'",
                              type->substr(0, 20)));
    }
  }
  if (auto* n = node.Find("cpu")) {
    auto cpu = NonEmptyString(r, *n, "cpu");
    // A libvirt CPU model name ("Skylake-Server-IBRS", "qemu64"): it goes into
    // the domain XML, so nothing but the characters model names use.
    const bool plain = cpu && cpu->size() <= 64 &&
                       cpu->find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                           std::string::npos;
    if (cpu && !plain) {
      r.Error(*n, fmt::format("'cpu' must be 'auto', 'host-passthrough', 'host-model' or a CPU "
                              "model name such as 'Skylake-Server', got '{}'",
                              cpu->substr(0, 40)));
    } else if (cpu) {
      host.cpu = *cpu;
    }
  }
}

void DecodeHypervisors(const YamlNode& root, YamlReader& r, Spec& spec) {
  const YamlNode* node = root.Find("hypervisors");
  if (node == nullptr) return;
  if (root.Find("hypervisor") != nullptr) {
    r.Error(*node, "'hypervisor' and 'hypervisors' cannot both be given: list every host "
                   "under 'hypervisors'");
  }
  if (!r.ExpectList(*node, "hypervisors")) return;
  if (node->items.empty()) r.Error(*node, "'hypervisors' must list at least one host");
  std::set<std::string> names;
  std::set<std::string> uris;
  for (const YamlNode& item : node->items) {
    HypervisorSpec host;
    DecodeHost(item, r, host);
    if (!host.name.empty() && !names.insert(host.name).second) {
      r.Error(*item.Find("name"), fmt::format("hypervisor '{}' is listed twice", host.name));
    }
    if (!host.uri.empty() && !uris.insert(host.uri).second) {
      r.Error(*item.Find("uri"), fmt::format("uri '{}' of hypervisor '{}' is already used by "
                                             "another hypervisor: one host would be counted twice",
                                             host.uri.substr(0, 70), host.name));
    }
    spec.hypervisors.push_back(std::move(host));
  }
}

void DecodePlacement(const YamlNode& node, YamlReader& r, GroupSpec& group,
                     GroupSources& where) {
  if (!r.ExpectMap(node, "placement")) return;
  r.CheckKeys(node, keys::kPlacement, "placement");
  const YamlNode* hosts = node.Find("hosts");
  if (hosts == nullptr) return;
  if (DecodeStringList(r, *hosts, "hosts", group.placement_hosts, where.placement_hosts) &&
      group.placement_hosts.empty()) {
    r.Error(*hosts, "'placement.hosts' must name at least one hypervisor");
  }
}

}  // namespace reconcile::model
