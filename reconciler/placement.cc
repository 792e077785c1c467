#include "reconciler/placement.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "fmt/format.h"

namespace reconcile {
namespace {

struct Usage {
  int cpus = 0;
  uint64_t memory_bytes = 0;
  int domains = 0;
};

// What stops `host` from taking a node of this size, or nullopt when it fits.
std::optional<std::string> NoRoom(const model::HypervisorSpec& host, const Usage& used,
                                  int cpus, uint64_t memory_bytes) {
  const model::HostCapacity& cap = host.capacity;
  if (cap.domains > 0 && used.domains + 1 > cap.domains) {
    return fmt::format("{}: domains {} of {} in use", host.name, used.domains, cap.domains);
  }
  if (cap.cpus > 0 && used.cpus + cpus > cap.cpus) {
    return fmt::format("{}: cpus {} of {} in use, needs {}", host.name, used.cpus, cap.cpus, cpus);
  }
  if (cap.memory_bytes > 0 && used.memory_bytes + memory_bytes > cap.memory_bytes) {
    return fmt::format("{}: memory {} of {} MiB in use, needs {} MiB", host.name,
                       used.memory_bytes >> 20, cap.memory_bytes >> 20, memory_bytes >> 20);
  }
  return std::nullopt;
}

// The smallest free share of any limited resource; 1 when nothing is limited.
double FreeShare(const model::HypervisorSpec& host, const Usage& used) {
  const model::HostCapacity& cap = host.capacity;
  double share = 1.0;
  auto take = [&](double in_use, double limit) {
    if (limit > 0) share = std::min(share, (limit - in_use) / limit);
  };
  take(used.domains, cap.domains);
  take(used.cpus, cap.cpus);
  take(static_cast<double>(used.memory_bytes), static_cast<double>(cap.memory_bytes));
  return share;
}

}  // namespace

std::string HostOf(const model::Spec& spec, const model::ObservedDomain& domain) {
  return domain.host.empty() ? spec.Hosts().front().name : domain.host;
}

Placement PlaceNodes(const model::Spec& spec, const std::vector<model::Node>& nodes,
                     const model::ObservedState& observed) {
  Placement out;
  // Hashed, not ordered: node names share a long prefix, and an ordered map's
  // comparisons were most of a 10,000-node plan. The views point into `spec`,
  // `nodes` and `observed`, which outlive this call.
  absl::flat_hash_map<std::string_view, const model::Node*> by_name;
  by_name.reserve(nodes.size());
  for (const model::Node& node : nodes) by_name.insert_or_assign(node.name, &node);
  out.host_of.reserve(nodes.size());

  absl::flat_hash_map<std::string_view, Usage> used;                                  // by host
  absl::flat_hash_map<std::pair<std::string_view, std::string_view>, int> members;  // (host, group) -> count
  // Domain -> hosts; almost every domain is on one.
  absl::flat_hash_map<std::string_view, absl::InlinedVector<std::string_view, 1>> seen_on;
  seen_on.reserve(observed.domains.size());
  const std::string_view first_host = spec.Hosts().front().name;
  for (const model::ObservedDomain& domain : observed.domains) {
    if (!domain.managed || domain.cluster != spec.cluster) continue;
    const std::string_view host = domain.host.empty() ? first_host : std::string_view(domain.host);
    seen_on[domain.name].push_back(host);
    auto node = by_name.find(domain.name);
    const bool in_spec = node != by_name.end() && !node->second->existing;
    // A node of the spec will be updated to its desired size: count that.
    Usage& u = used[host];
    u.cpus += in_spec ? node->second->cpus : domain.vcpus;
    u.memory_bytes += in_spec ? node->second->memory_bytes : domain.memory_bytes;
    u.domains += 1;
    if (in_spec && out.host_of.try_emplace(domain.name, std::string(host)).second) {
      ++members[{host, node->second->group}];
    }
  }

  for (const auto& [name, hosts] : seen_on) {
    if (hosts.size() < 2) continue;
    std::vector<std::string> ordered;
    for (const model::HypervisorSpec& host : spec.Hosts()) {
      if (std::find(hosts.begin(), hosts.end(), host.name) != hosts.end()) ordered.push_back(host.name);
    }
    out.duplicated.try_emplace(std::string(name), std::move(ordered));
  }

  const bool some_unreachable = !observed.unreachable_hosts.empty();
  for (const model::Node& node : nodes) {
    if (node.existing || out.host_of.count(node.name) != 0) continue;
    // Unseen while a host is dark: it may be there. Creating it elsewhere
    // would make a second copy.
    if (some_unreachable) {
      out.unknown.push_back(node.name);
      continue;
    }
    const model::GroupSpec* group = spec.FindGroup(node.group);
    const std::vector<const model::HypervisorSpec*> candidates =
        group != nullptr ? spec.HostsFor(*group) : std::vector<const model::HypervisorSpec*>{};
    const model::HypervisorSpec* best = nullptr;
    int best_members = std::numeric_limits<int>::max();
    double best_free = -1;
    std::vector<std::string> full;
    for (const model::HypervisorSpec* host : candidates) {
      const Usage& u = used[std::string_view(host->name)];
      if (std::optional<std::string> why = NoRoom(*host, u, node.cpus, node.memory_bytes)) {
        full.push_back(*std::move(why));
        continue;
      }
      const int m = members[{host->name, node.group}];
      const double free = FreeShare(*host, u);
      if (m < best_members || (m == best_members && free > best_free)) {
        best = host;
        best_members = m;
        best_free = free;
      }
    }
    if (best == nullptr) {
      out.unplaced[node.name] = fmt::format(
          "no hypervisor has room for it ({} cpus, {} MiB): {}", node.cpus,
          node.memory_bytes >> 20, full.empty() ? "its group may use none" : fmt::format("{}", fmt::join(full, "; ")));
      continue;
    }
    out.host_of.try_emplace(node.name, best->name);
    ++members[{best->name, node.group}];
    Usage& u = used[std::string_view(best->name)];
    u.cpus += node.cpus;
    u.memory_bytes += node.memory_bytes;
    u.domains += 1;
  }
  return out;
}

}  // namespace reconcile
