// Top level, hypervisor, ssh, policy, vars, images and groups.
#include <string>

#include "fmt/format.h"
#include "model/decode.h"
#include "model/names.h"
#include "model/spec_keys.h"

namespace reconcile::model {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr uint64_t kTiB = uint64_t{1} << 40;

std::optional<std::string> AbsolutePath(YamlReader& reader, const YamlNode& node,
                                        std::string_view what) {
  auto path = NonEmptyString(reader, node, what);
  if (path && path->front() != '/') {
    reader.Error(node,
                 fmt::format("'{}' must be an absolute path, got '{}'", what, path->substr(0, 70)));
    return std::nullopt;
  }
  return path;
}

void DecodeHypervisor(const YamlNode& node, YamlReader& r, HypervisorSpec& out) {
  if (!r.ExpectMap(node, "hypervisor")) return;
  r.CheckKeys(node, keys::kHypervisor, "hypervisor");
  if (auto* n = node.Find("uri")) out.uri = NonEmptyString(r, *n, "uri").value_or(out.uri);
  if (auto* n = node.Find("network")) out.network = NonEmptyString(r, *n, "network").value_or(out.network);
  if (auto* n = node.Find("pool")) out.pool = NonEmptyString(r, *n, "pool").value_or(out.pool);
  DecodeGuestPlatform(node, r, out);
  DecodeOwnedNetworks(node, r, out);
}

void DecodeSsh(const YamlNode& node, YamlReader& r, SshSpec& out) {
  if (!r.ExpectMap(node, "ssh")) return;
  r.CheckKeys(node, keys::kSsh, "ssh");
  if (auto* n = node.Find("user")) out.user = NonEmptyString(r, *n, "user").value_or(out.user);
  if (auto* n = node.Find("identity")) out.identity = NonEmptyString(r, *n, "identity").value_or("");
  if (auto* n = node.Find("port")) out.port = static_cast<int>(r.Int(*n, "port", 1, 65535).value_or(out.port));
  if (auto* n = node.Find("connect_timeout")) {
    out.connect_timeout = r.Duration(*n, "connect_timeout", absl::Seconds(1), absl::Minutes(10))
                              .value_or(out.connect_timeout);
  }
  if (auto* n = node.Find("known_hosts")) out.known_hosts = NonEmptyString(r, *n, "known_hosts").value_or("");
  if (auto* n = node.Find("accept_unknown_host_keys")) {
    out.accept_unknown_host_keys = r.Bool(*n, "accept_unknown_host_keys").value_or(false);
  }
  if (auto* n = node.Find("jump_host")) out.jump_host = NonEmptyString(r, *n, "jump_host").value_or("");
  if (auto* n = node.Find("netns")) {
    out.netns = NonEmptyString(r, *n, "netns").value_or("");
    if (out.netns.find('/') != std::string::npos || out.netns == "." || out.netns == "..") {
      r.Error(*n, "'netns' must be a network namespace name (as in /run/netns/<name>), not a path");
    }
  }
  if (auto* n = node.Find("become")) out.become = r.Bool(*n, "become").value_or(false);
  if (auto* n = node.Find("state_dir")) out.state_dir = AbsolutePath(r, *n, "state_dir").value_or(out.state_dir);
}

void DecodePolicy(const YamlNode& node, YamlReader& r, PolicySpec& out) {
  if (!r.ExpectMap(node, "policy")) return;
  r.CheckKeys(node, keys::kPolicy, "policy");
  if (auto* n = node.Find("prune")) out.prune = r.Bool(*n, "prune").value_or(out.prune);
  if (auto* n = node.Find("parallel")) out.parallel = static_cast<int>(r.Int(*n, "parallel", 1, 1024).value_or(out.parallel));
  if (auto* n = node.Find("probe_parallel")) {
    out.probe_parallel = static_cast<int>(r.Int(*n, "probe_parallel", 1, 1024).value_or(out.probe_parallel));
  }
  if (auto* n = node.Find("retries")) out.retries = static_cast<int>(r.Int(*n, "retries", 0, 100).value_or(out.retries));
  if (auto* n = node.Find("interval")) {
    out.interval = r.Duration(*n, "interval", absl::Seconds(1), absl::Hours(24)).value_or(out.interval);
  }
}

void DecodeImages(const YamlNode& node, YamlReader& r, Spec& spec, SpecSources& sources) {
  if (!r.ExpectMap(node, "images")) return;
  for (const auto& [key, body] : node.entries) {
    RequireDnsLabel(r, key, key.value, "image");
    ImageSpec image;
    image.name = key.value;
    image.location = r.At(key);
    if (r.ExpectMap(body, key.value)) {
      r.CheckKeys(body, keys::kImage, fmt::format("image '{}'", key.value));
      if (auto* n = body.Find("disk")) image.disk = AbsolutePath(r, *n, "disk").value_or("");
      if (auto* n = body.Find("source")) image.source = AbsolutePath(r, *n, "source").value_or("");
      if (auto* n = body.Find("kernel")) image.kernel = AbsolutePath(r, *n, "kernel").value_or("");
      if (auto* n = body.Find("initrd")) image.initrd = AbsolutePath(r, *n, "initrd").value_or("");
      if (auto* n = body.Find("cmdline")) image.cmdline = r.String(*n, "cmdline").value_or("");
      if (auto* n = body.Find("seed")) image.seed = r.Bool(*n, "seed").value_or(true);
      std::vector<std::string_view> ways;
      for (std::string_view way : {"disk", "source", "kernel"}) {
        if (body.Find(way) != nullptr) ways.push_back(way);
      }
      const bool has_kernel = body.Find("kernel") != nullptr;
      if (ways.size() > 1) {
        r.Error(key, fmt::format("image '{}' sets both '{}' and '{}'; an image boots one way",
                                 key.value, ways[0], ways[1]));
      } else if (ways.empty()) {
        r.Error(key,
                fmt::format("image '{}' needs one of 'disk', 'source' or 'kernel'", key.value));
      }
      for (std::string_view kernel_only : {"initrd", "cmdline"}) {
        if (const YamlNode* n = body.Find(kernel_only); n && !has_kernel) {
          r.Error(*n, fmt::format("'{}' only applies to direct kernel boot; set 'kernel' too",
                                  kernel_only));
        }
      }
    }
    spec.images.push_back(std::move(image));
    sources.images.push_back(r.At(key));
  }
}

void DecodeHosts(const YamlNode& body, YamlReader& r, GroupSpec& group, GroupSources& where) {
  where.has_hosts = true;
  const YamlNode& hosts = *body.Find("hosts");
  for (std::string_view machine_only :
       {"count", "image", "cpus", "memory", "disk", "disks", "networks", "firmware", "arch",
        "autostart"}) {
    if (const YamlNode* n = body.Find(machine_only)) {
      r.Error(*n, fmt::format("'{}' cannot be combined with 'hosts': existing machines are "
                              "configured, never created",
                              machine_only));
    }
  }
  auto items = r.StringList(hosts, "hosts");
  if (!items) return;
  if (items->empty()) r.Error(hosts, "'hosts' must list at least one machine");
  if (static_cast<int64_t>(items->size()) > kMaxGroupCount) {
    r.Error(hosts, fmt::format("'hosts' lists {} machines; at most {} per group", items->size(),
                               kMaxGroupCount));
    return;
  }
  for (const YamlNode* item : *items) {
    if (!IsValidHostAddress(item->value)) {
      r.Error(*item,
              fmt::format("'{}' is not an IP address or host name", item->value.substr(0, 70)));
    }
    group.hosts.push_back(item->value);
    where.hosts.push_back(r.At(*item));
  }
  group.count = static_cast<int>(group.hosts.size());
}

void DecodeGroup(const YamlNode& key, const YamlNode& body, YamlReader& r, GroupSpec& group,
                 GroupSources& where, int group_index, std::vector<SecretSource>& secrets) {
  if (!r.ExpectMap(body, key.value)) return;
  r.CheckKeys(body, keys::kGroup, fmt::format("group '{}'", key.value));
  if (body.Find("hosts")) {
    DecodeHosts(body, r, group, where);
  } else {
    if (auto* n = body.Find("count")) group.count = static_cast<int>(r.Int(*n, "count", 0, kMaxGroupCount).value_or(0));
    if (auto* n = body.Find("image")) {
      group.image = NonEmptyString(r, *n, "image").value_or("");
      where.image = r.At(*n);
    } else {
      r.Error(key, fmt::format("group '{}' needs an 'image' (or 'hosts' for existing machines)",
                               key.value));
    }
    if (auto* n = body.Find("cpus")) group.cpus = static_cast<int>(r.Int(*n, "cpus", 1, 256).value_or(1));
    if (auto* n = body.Find("memory")) group.memory_bytes = r.Size(*n, "memory", 64 * kMiB, 4 * kTiB).value_or(group.memory_bytes);
    if (auto* n = body.Find("disk")) group.disk_bytes = r.Size(*n, "disk", kGiB, 64 * kTiB).value_or(0);
    DecodeMachine(body, r, group);
    if (auto* n = body.Find("disks")) DecodeDataDisks(*n, r, group);
  }
  if (auto* n = body.Find("roles")) DecodeStringList(r, *n, "roles", group.roles, where.roles);
  if (auto* n = body.Find("vars")) {
    DecodeVars(*n, r, "vars", group.vars, &where.vars, group_index, secrets);
  }
  if (auto* n = body.Find("placement")) {
    if (body.Find("hosts")) {
      r.Error(*n, "'placement' cannot be combined with 'hosts': existing machines are not placed");
    }
    DecodePlacement(*n, r, group, where);
  }
  if (auto* n = body.Find("max_unavailable")) {
    group.max_unavailable = static_cast<int>(r.Int(*n, "max_unavailable", 1, kMaxGroupCount).value_or(1));
  }
}

void DecodeGroups(const YamlNode& node, YamlReader& r, Spec& spec, SpecSources& sources) {
  if (!r.ExpectMap(node, "groups")) return;
  if (node.entries.empty()) r.Error(node, "'groups' must define at least one group");
  int64_t total = 0;
  bool reported_total = false;
  for (const auto& [key, body] : node.entries) {
    GroupSpec group;
    GroupSources where;
    DecodeEntryName(r, key, "group", group, where);
    DecodeGroup(key, body, r, group, where, static_cast<int>(spec.groups.size()), sources.secrets);
    total += group.count;
    if (total > kMaxTotalNodes && !reported_total) {
      r.Error(key, fmt::format("the spec expands to more than {} nodes", kMaxTotalNodes));
      reported_total = true;
    }
    spec.groups.push_back(std::move(group));
    sources.groups.push_back(std::move(where));
  }
}

}  // namespace

void RequireIdentifier(YamlReader& reader, const YamlNode& key, std::string_view what) {
  if (IsIdentifier(key.value)) return;
  reader.Error(
      key,
      fmt::format(
          "{} '{}' must start with a letter or '_' and contain only letters, digits, '_' and '-'",
          what, key.value.substr(0, 70)));
}

void RequireDnsLabel(YamlReader& reader, const YamlNode& at, std::string_view name,
                     std::string_view kind) {
  std::string problem = DnsLabelProblem(name);
  if (problem.empty()) return;
  reader.Error(at, fmt::format("{} name '{}' is not a valid DNS label: it {}", kind,
                               name.substr(0, 70), problem));
}

bool DecodeStringList(YamlReader& reader, const YamlNode& node, std::string_view what,
                      std::vector<std::string>& values, std::vector<SourceLocation>& locations) {
  auto items = reader.StringList(node, what);
  if (!items) return false;
  for (const YamlNode* item : *items) {
    values.push_back(item->value);
    locations.push_back(reader.At(*item));
  }
  return true;
}

std::optional<std::string> NonEmptyString(YamlReader& reader, const YamlNode& node,
                                          std::string_view what) {
  auto value = reader.String(node, what);
  if (value && value->empty()) {
    reader.Error(node, fmt::format("'{}' must not be empty", what));
    return std::nullopt;
  }
  return value;
}

namespace {

// `secret: true|false`, or `secret: {file: PATH}` / `{env: NAME}` (then the
// variable is secret and its value is read when the spec is loaded).
void DecodeSecret(const YamlNode& n, YamlReader& r, const std::string& name, Variable& var,
                  bool* from_source) {
  *from_source = false;
  if (n.kind != YamlNode::Kind::kMap) {
    var.secret = r.Bool(n, "secret").value_or(false);
    return;
  }
  r.CheckKeys(n, keys::kSecretSource, fmt::format("secret of variable '{}'", name));
  const YamlNode* file = n.Find("file");
  const YamlNode* env = n.Find("env");
  if ((file == nullptr) == (env == nullptr)) {
    r.Error(n, fmt::format("variable '{}': 'secret' takes exactly one of 'file' or 'env'", name));
    return;
  }
  var.secret = true;
  *from_source = true;
  if (file != nullptr) var.secret_file = NonEmptyString(r, *file, "file").value_or("");
  if (env != nullptr) {
    var.secret_env = NonEmptyString(r, *env, "env").value_or("");
    if (var.secret_env.find_first_of("= \t") != std::string::npos) {
      r.Error(*env, fmt::format("'env' must be an environment variable name, got '{}'",
                                var.secret_env.substr(0, 40)));
    }
  }
}

}  // namespace

void DecodeVars(const YamlNode& node, YamlReader& r, std::string_view where,
                std::vector<Variable>& vars, std::vector<SourceLocation>* locations,
                int group, std::vector<SecretSource>& secrets) {
  if (!r.ExpectMap(node, where)) return;
  for (const auto& [key, body] : node.entries) {
    RequireIdentifier(r, key, "variable name");
    Variable var{key.value, "", false};
    if (body.kind == YamlNode::Kind::kMap) {
      r.CheckKeys(body, keys::kVariable, fmt::format("variable '{}'", key.value));
      bool from_source = false;
      if (auto* n = body.Find("secret")) {
        DecodeSecret(*n, r, key.value, var, &from_source);
        if (from_source) secrets.push_back({group, vars.size(), r.At(*n)});
      }
      if (auto* n = body.Find("value")) {
        if (from_source) {
          r.Error(*n,
                  fmt::format("variable '{}' has its value from its secret's {}: remove 'value'",
                              key.value, var.secret_file.empty() ? "env" : "file"));
        } else {
          var.value = r.String(*n, "value").value_or("");
        }
      } else if (!from_source) {
        r.Error(key, fmt::format("variable '{}' needs a 'value'", key.value));
      }
    } else if (body.kind == YamlNode::Kind::kScalar) {
      var.value = body.value;
    } else {
      r.Error(body, fmt::format("variable '{}' must be a string or {{value, secret}}, got {}",
                                key.value, body.KindName()));
    }
    vars.push_back(std::move(var));
    if (locations) locations->push_back(r.At(key));
  }
}

void DecodeSpec(const YamlNode& root, YamlReader& r, Spec& spec, SpecSources& sources) {
  if (!r.ExpectMap(root, "spec")) return;
  r.CheckKeys(root, keys::kTopLevel, "");
  if (const YamlNode* n = root.Find("cluster")) {
    sources.cluster = r.At(*n);
    if (auto name = NonEmptyString(r, *n, "cluster")) {
      spec.cluster = *name;
      RequireDnsLabel(r, *n, *name, "cluster");
    }
  } else {
    r.Error(root, "missing required key 'cluster'");
  }
  if (auto* n = root.Find("hypervisor")) DecodeHypervisor(*n, r, spec.hypervisor);
  DecodeHypervisors(root, r, spec);
  if (auto* n = root.Find("ssh")) DecodeSsh(*n, r, spec.ssh);
  if (auto* n = root.Find("images")) DecodeImages(*n, r, spec, sources);
  if (auto* n = root.Find("groups")) {
    DecodeGroups(*n, r, spec, sources);
  } else {
    r.Error(root, "missing required key 'groups'");
  }
  if (auto* n = root.Find("roles")) DecodeRoles(*n, r, spec, sources);
  if (auto* n = root.Find("vars")) DecodeVars(*n, r, "vars", spec.vars, nullptr, -1, sources.secrets);
  if (auto* n = root.Find("policy")) DecodePolicy(*n, r, spec.policy);
}

}  // namespace reconcile::model
