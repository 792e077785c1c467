#include "bench/cluster_fixture.h"

#include <algorithm>

#include "fmt/format.h"
#include "model/diagnostics.h"
#include "model/expand.h"
#include "model/loader.h"

namespace reconcile::bench {

namespace {

// A group holds at most 1,000 nodes (docs/spec.md): members come in groups of
// that size, all with the member role.
std::string MemberGroups(int members) {
  std::string yaml;
  for (int group = 1; members > 0; ++group, members -= 1000) {
    yaml += fmt::format("  member{}: {{ count: {}, image: tiny, cpus: 1, memory: 256MiB, roles: [member] }}\n",
                        group, std::min(members, 1000));
  }
  return yaml;
}

}  // namespace

std::string ClusterSpecYaml(int nodes, const std::string& uri) {
  return fmt::format(R"(cluster: bench
hypervisor: {{ uri: "{}", network: default, pool: default }}
ssh: {{ user: root }}
images:
  tiny: {{ kernel: /var/lib/reconcile/lab/vmlinux, initrd: /var/lib/reconcile/lab/initramfs.cpio.gz }}
groups:
  leader: {{ count: 1, image: tiny, cpus: 1, memory: 256MiB, roles: [leader] }}
{}vars:
  greeting: hello
roles:
  leader:
    steps:
      - name: token
        check: test -s /var/lib/lab/token
        run: head -c 16 /dev/urandom | od -An -tx1 > /var/lib/lab/token
    outputs:
      token: {{ command: cat /var/lib/lab/token, secret: true }}
  member:
    after: [leader]
    steps:
      - name: join
        files:
          - path: /etc/lab/leader
            content: |
              leader={{{{ group.leader.nodes }}}}
              token={{{{ role.leader.outputs.token }}}}
              me={{{{ self.name }}}} ({{{{ self.group }}}} #{{{{ self.index }}}})
        check: grep -qx {{{{ role.leader.outputs.token }}}} /var/lib/lab/joined
        run: echo {{{{ role.leader.outputs.token }}}} > /var/lib/lab/joined && echo {{{{ vars.greeting }}}}
policy: {{ prune: true, parallel: 16 }}
)",
                     uri, MemberGroups(nodes - 1));
}

absl::StatusOr<Cluster> LoadCluster(int nodes, const std::string& uri) {
  model::Diagnostics diagnostics;
  absl::StatusOr<model::Spec> spec = model::ParseSpec(ClusterSpecYaml(nodes, uri), "bench.yaml", diagnostics);
  if (!spec.ok()) return spec.status();
  absl::StatusOr<std::vector<model::Node>> expanded = model::ExpandSpec(*spec);
  if (!expanded.ok()) return expanded.status();
  return Cluster{*std::move(spec), *std::move(expanded)};
}

model::ObservedState ConvergedState(const std::vector<model::Node>& nodes,
                                    const std::string& cluster) {
  model::ObservedState observed;
  observed.domains.reserve(nodes.size());
  for (const model::Node& node : nodes) {
    observed.domains.push_back({.name = node.name,
                                .managed = true,
                                .cluster = cluster,
                                .group = node.group,
                                .index = node.index,
                                .hardware_hash = node.hardware_hash,
                                .image_hash = node.image_hash,
                                .state = model::DomainState::kRunning,
                                .vcpus = node.cpus,
                                .memory_bytes = node.memory_bytes});
    model::NodeProbe& probe = observed.probes[node.name];
    probe.address = "10.77.0.1";
    probe.hostname = node.name;
    probe.applied_roles = node.role_hashes;
    for (const auto& [role, hash] : node.role_hashes) probe.checks_pass[role] = true;
  }
  return observed;
}

}  // namespace reconcile::bench
