#include "model/validate.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "fmt/format.h"
#include "model/names.h"
#include "model/role_graph.h"

namespace reconcile::model {
namespace {

template <typename T>
std::vector<std::string> Names(const std::vector<T>& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(item.name);
  return names;
}

std::string Unknown(std::string_view kind, std::string_view name,
                    const std::vector<std::string>& candidates) {
  std::string message = fmt::format("unknown {} '{}'", kind, name.substr(0, 70));
  if (auto suggestion = ClosestMatch(name, candidates)) {
    fmt::format_to(std::back_inserter(message), ", did you mean '{}'?", *suggestion);
  } else if (candidates.empty()) {
    fmt::format_to(std::back_inserter(message), " (no {}s are defined)", kind);
  }
  return message;
}

void CheckGroupReferences(const Spec& spec, const SpecSources& sources, Diagnostics& out) {
  const auto images = Names(spec.images);
  const auto roles = Names(spec.roles);
  for (size_t g = 0; g < spec.groups.size(); ++g) {
    const GroupSpec& group = spec.groups[g];
    const GroupSources& where = sources.groups[g];
    if (!group.image.empty() && !spec.FindImage(group.image)) {
      out.Add(where.image, Unknown("image", group.image, images));
    }
    std::set<std::string> seen;
    for (size_t r = 0; r < group.roles.size(); ++r) {
      if (!spec.FindRole(group.roles[r])) {
        out.Add(where.roles[r], Unknown("role", group.roles[r], roles));
      } else if (!seen.insert(group.roles[r]).second) {
        out.Add(where.roles[r], fmt::format("role '{}' is listed twice", group.roles[r]));
      }
    }
  }
}

void CheckRoleGraph(const Spec& spec, const SpecSources& sources, Diagnostics& out) {
  const auto roles = Names(spec.roles);
  for (size_t r = 0; r < spec.roles.size(); ++r) {
    const RoleSpec& role = spec.roles[r];
    for (size_t a = 0; a < role.after.size(); ++a) {
      if (!spec.FindRole(role.after[a])) {
        out.Add(sources.roles[r].after[a], Unknown("role", role.after[a], roles));
      }
    }
  }
  if (auto cycle = FindRoleCycle(spec.roles)) {
    const RoleSpec* first = spec.FindRole(cycle->front());
    out.Add(first->location,
            fmt::format("role dependency cycle: {} ('a -> b' means a runs after b)",
                        fmt::join(*cycle, " -> ")));
  }
}

// Node names are <cluster>-<group>-<index>; the index is the only part after
// the last '-', so two groups cannot derive the same name. The length limit
// is what bites: the longest name of every group must be a DNS label.
void CheckNodeNames(const Spec& spec, const SpecSources& sources, Diagnostics& out) {
  if (spec.cluster.empty()) return;
  // Hashed, not ordered: thousands of names sharing the "<cluster>-<group>-"
  // prefix made every ordered comparison scan it (a sixth of loading a
  // 10,000-node spec). Only lookups are needed; reports follow spec order.
  absl::flat_hash_map<std::string, std::string_view> node_owner;
  absl::flat_hash_map<std::string_view, std::string_view> host_owner;
  size_t nodes = 0;
  for (const GroupSpec& group : spec.groups) nodes += static_cast<size_t>(std::max(group.count, 0));
  node_owner.reserve(nodes);
  for (size_t g = 0; g < spec.groups.size(); ++g) {
    const GroupSpec& group = spec.groups[g];
    if (group.count == 0) continue;
    const std::string longest = fmt::format("{}-{}-{}", spec.cluster, group.name, group.count);
    if (longest.size() > kMaxDnsLabelLength) {
      out.Add(sources.groups[g].name,
              fmt::format("node name '{}' is {} characters; node names (<cluster>-<group>-<index>) "
                          "must be at most {}: shorten the cluster or group name",
                          longest.substr(0, 80), longest.size(), kMaxDnsLabelLength));
      continue;
    }
    for (int i = 1; i <= group.count; ++i) {
      auto [it, inserted] =
          node_owner.emplace(fmt::format("{}-{}-{}", spec.cluster, group.name, i), group.name);
      if (!inserted) {
        out.Add(sources.groups[g].name,
                fmt::format("node name '{}' of group '{}' collides with group '{}'", it->first,
                            group.name, it->second));
      }
    }
    for (size_t h = 0; h < group.hosts.size(); ++h) {
      auto [it, inserted] = host_owner.emplace(group.hosts[h], group.name);
      if (!inserted) {
        out.Add(sources.groups[g].hosts[h], fmt::format("host '{}' is already listed in group '{}'",
                                                        group.hosts[h], it->second));
      }
    }
  }
}

}  // namespace

void ValidateSpec(const Spec& spec, const SpecSources& sources, Diagnostics& diagnostics) {
  CheckGroupReferences(spec, sources, diagnostics);
  CheckRoleGraph(spec, sources, diagnostics);
  CheckNodeNames(spec, sources, diagnostics);
  ValidateHosts(spec, sources, diagnostics);
  ValidateMachines(spec, diagnostics);
  ValidateTemplates(spec, sources, diagnostics);
}

}  // namespace reconcile::model
