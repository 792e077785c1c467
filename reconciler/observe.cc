#include "reconciler/observe.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/synchronization/mutex.h"
#include "base/parallel.h"
#include "base/shell_quote.h"
#include "base/status_macros.h"
#include "model/domain_index.h"
#include "model/expand.h"
#include "reconciler/node_state_paths.h"
#include "reconciler/render_context.h"
#include "reconciler/role_outputs.h"
#include "fmt/format.h"

namespace reconcile {
namespace {

model::ObservedDomain ToObserved(const drivers::DomainInfo& info) {
  model::ObservedDomain domain{.name = info.name, .state = info.state, .vcpus = info.vcpus,
                               .memory_bytes = info.memory_bytes};
  if (info.owner) {
    domain.managed = true;
    domain.cluster = info.owner->cluster;
    domain.group = info.owner->group;
    domain.index = info.owner->index;
    domain.hardware_hash = info.owner->hardware_hash;
    domain.image_hash = info.owner->image_hash;
    for (const drivers::OwnedVolume& volume : info.owner->volumes) {
      if (!volume.disk.empty()) domain.data_disks.push_back({volume.disk, volume.pool, volume.bytes});
    }
  }
  return domain;
}

bool ShouldAnswer(const model::Spec& spec, const model::Node& node,
                  const model::DomainIndex& domains) {
  if (node.existing) return true;
  const model::ObservedDomain* domain = domains.Find(node.name);
  return domain != nullptr && domain->managed && domain->cluster == spec.cluster &&
         domain->state == model::DomainState::kRunning;
}

// The outputs that the probed nodes' checks reference, taken from providers
// that are running now. A provider that cannot answer leaves its outputs out:
// the checks needing them count as failing and the role is configured, which
// waits for the provider (`after:`).
RoleOutputs OutputsForChecks(const model::Spec& spec, const std::vector<model::Node>& nodes,
                             const std::vector<const model::Node*>& to_probe,
                             drivers::NodeShell& shell, AddressBook& addresses,
                             const ObserveOptions& options, Clock& clock) {
  std::set<std::string> wanted;
  for (const model::Node* node : to_probe) {
    for (const std::string& role_name : node->roles) {
      const model::RoleSpec* role = spec.FindRole(role_name);
      if (role == nullptr) continue;
      for (const std::string& provider : RolesReferencedByChecks(*role)) wanted.insert(provider);
    }
  }
  RoleOutputs outputs;
  for (const std::string& role_name : wanted) {
    const model::RoleSpec* role = spec.FindRole(role_name);
    const model::Node* provider = OutputProvider(nodes, role_name);
    if (role == nullptr || provider == nullptr ||
        std::find(to_probe.begin(), to_probe.end(), provider) == to_probe.end()) {
      continue;
    }
    absl::StatusOr<drivers::SshTarget> target = addresses.TargetFor(*provider, options.address_timeout);
    if (!target.ok()) continue;
    const absl::Time deadline = clock.Now() + options.probe_timeout;
    const std::string record = RecordedOutputsPath(options.state_dir, role_name);
    if (options.outputs_run == nullptr) {
      // Read, never run: a plan or a status changes nothing on any node, and
      // output commands may (a new join token each run).
      absl::StatusOr<std::string> recorded = shell.ReadFile(*target, record, 1 << 20, deadline);
      if (!recorded.ok()) continue;
      absl::StatusOr<std::map<std::string, std::string>> values = DecodeOutputs(*recorded);
      if (values.ok()) outputs[role_name] = *std::move(values);
      continue;
    }
    absl::StatusOr<std::map<std::string, std::string>> values =
        RunRoleOutputs(spec, nodes, *role, *provider, *target, shell, deadline);
    if (!values.ok()) continue;
    // Best effort: without the record a later plan sees the checks as failing.
    (void)shell.Run(*target, "mkdir -p -m 0700 " + ShellQuote(options.state_dir + "/roles"), deadline);
    (void)shell.Upload(*target, record, EncodeOutputs(*values), 0600, "", deadline);
    (*options.outputs_run)[role_name] = *values;
    outputs[role_name] = *std::move(values);
  }
  return outputs;
}

// Lists every host of the spec into `state`. Fails only when none answered.
absl::Status ListHosts(const model::Spec& spec, HostSet& hosts, int parallel,
                       model::ObservedState& state) {
  absl::Status first_error;
  std::vector<std::string> errors;
  size_t reachable = 0;
  for (HostSet::Listing& listing : hosts.ListEach(std::max(parallel, 1))) {
    if (!listing.domains.ok()) {
      const std::string why(listing.domains.status().message());
      state.unreachable_hosts[listing.host] = why;
      errors.push_back(fmt::format("{}: {}", listing.host, why));
      if (first_error.ok()) first_error = listing.domains.status();
      continue;
    }
    ++reachable;
    for (const drivers::DomainInfo& info : *listing.domains) {
      state.domains.push_back(ToObserved(info));
      state.domains.back().host = listing.host;
    }
    // Networks too: the spec's `create_network` and owned ones that left it.
    absl::StatusOr<std::vector<drivers::NetworkInfo>> networks =
        hosts.ListNetworksOn(listing.host, spec.cluster);
    if (!networks.ok()) {
      state.network_errors[listing.host] = std::string(networks.status().message());
      continue;
    }
    for (const drivers::NetworkInfo& network : *networks) {
      state.networks.push_back({.name = network.name, .host = listing.host, .owned = network.owned,
                                .active = network.active, .cidr = network.cidr});
    }
  }
  for (const model::HypervisorSpec& host : spec.Hosts()) {
    const bool connected = std::any_of(hosts.hosts().begin(), hosts.hosts().end(),
                                       [&](const HostConnection& c) { return c.name == host.name; });
    if (!connected) {
      state.unreachable_hosts[host.name] =
          "not connected: hosts are connected when reconcile starts (restart watch to add one)";
    }
  }
  if (reachable > 0) return absl::OkStatus();
  if (hosts.hosts().size() == 1) return first_error;  // as it was: the one host's error
  return absl::Status(first_error.ok() ? absl::StatusCode::kUnavailable : first_error.code(),
                      fmt::format("no hypervisor host could be listed: {}", fmt::join(errors, "; ")));
}

}  // namespace

namespace {

// The probe of `node` with `context` already made for it (self, vars, outputs).
drivers::ProbeRequest ProbeRequestWith(const model::Spec& spec, const model::Node& node,
                                       const std::string& state_dir,
                                       const model::RenderContext& context,
                                       std::vector<std::string>* unrenderable_roles) {
  drivers::ProbeRequest request;
  request.state_dir = state_dir;
  request.roles = node.roles;
  for (const std::string& role_name : node.roles) {
    const model::RoleSpec* role = spec.FindRole(role_name);
    if (role == nullptr) continue;
    const bool has_files = std::any_of(role->steps.begin(), role->steps.end(),
                                       [](const model::StepSpec& step) {
                                         return !step.files.empty() || step.nixos.has_value();
                                       });
    if (has_files) {
      // Files uploaded by the last apply still have the content it recorded.
      const std::string list = ShellQuote(FileDigestsPath(state_dir, role_name));
      request.checks.push_back({FilesCheckId(role_name),
                                fmt::format("test ! -e {0} || sha256sum -c {0}", list)});
    }
    for (size_t i = 0; i < role->steps.size(); ++i) {
      if (role->steps[i].check.empty()) continue;
      absl::StatusOr<std::string> check =
          RenderText(role->steps[i].check, context, model::Quoting::kShell, "check");
      if (!check.ok()) {
        unrenderable_roles->push_back(role_name);
        break;
      }
      request.checks.push_back({CheckId(role_name, i), *std::move(check)});
    }
  }
  return request;
}

// Render contexts for the probes in flight. Each holds every node's name
// (group.<g>.nodes), so building one per node made a pass quadratic in the
// cluster's size (5,000 nodes: seconds); one per worker is re-aimed at each
// node instead, as expansion does (model/expand.cc).
class ProbeContexts {
 public:
  ProbeContexts(const model::Spec& spec, const std::vector<model::Node>& nodes,
                const RoleOutputs& outputs, size_t workers)
      : spec_(spec) {
    if (nodes.empty()) return;
    model::RenderContext base = model::StaticRenderContext(spec, nodes, nodes.front());
    base.role_outputs = outputs;
    free_.assign(std::max<size_t>(workers, 1), base);
  }

  // A context for `node` at `address`, until Release.
  model::RenderContext Acquire(const model::Node& node, const std::string& address) {
    model::RenderContext context;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(+[](std::vector<model::RenderContext>* f) { return !f->empty(); },
                                &free_));
      context = std::move(free_.back());
      free_.pop_back();
    }
    context.self_name = node.name;
    context.self_group = node.group;
    context.self_index = node.index;
    context.self_ip = address;
    context.vars.clear();
    for (const auto& var : spec_.vars) context.vars[var.name] = var.value;
    if (const model::GroupSpec* group = spec_.FindGroup(node.group)) {
      for (const auto& var : group->vars) context.vars[var.name] = var.value;
    }
    return context;
  }
  void Release(model::RenderContext context) {
    absl::MutexLock lock(&mu_);
    free_.push_back(std::move(context));
  }

 private:
  const model::Spec& spec_;
  absl::Mutex mu_;
  std::vector<model::RenderContext> free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

drivers::ProbeRequest BuildProbeRequest(const model::Spec& spec,
                                        const std::vector<model::Node>& nodes,
                                        const model::Node& node, const std::string& address,
                                        const std::string& state_dir,
                                        std::vector<std::string>* unrenderable_roles,
                                        const RoleOutputs& outputs) {
  model::RenderContext context = model::StaticRenderContext(spec, nodes, node);
  context.self_ip = address;
  context.role_outputs = outputs;
  return ProbeRequestWith(spec, node, state_dir, context, unrenderable_roles);
}

absl::StatusOr<model::ObservedState> Observe(const model::Spec& spec,
                                             const std::vector<model::Node>& nodes,
                                             drivers::Hypervisor& hypervisor,
                                             drivers::NodeShell& shell, AddressBook& addresses,
                                             const ObserveOptions& options, Clock& clock) {
  HostSet one({{spec.Hosts().front().name, &hypervisor}});
  return Observe(spec, nodes, one, shell, addresses, options, clock);
}

absl::StatusOr<model::ObservedState> Observe(const model::Spec& spec,
                                             const std::vector<model::Node>& nodes,
                                             HostSet& hosts, drivers::NodeShell& shell,
                                             AddressBook& addresses,
                                             const ObserveOptions& options, Clock& clock) {
  model::ObservedState state;
  RETURN_IF_ERROR(ListHosts(spec, hosts, options.parallel, state));

  std::vector<const model::Node*> to_probe;
  const model::DomainIndex domains(state.domains);
  for (const model::Node& node : nodes) {
    if (ShouldAnswer(spec, node, domains)) to_probe.push_back(&node);
  }
  const RoleOutputs outputs =
      OutputsForChecks(spec, nodes, to_probe, shell, addresses, options, clock);
  std::vector<model::NodeProbe> probes(to_probe.size());
  ProbeContexts contexts(spec, nodes, outputs,
                         std::min<size_t>(to_probe.size(), static_cast<size_t>(std::max(options.parallel, 1))));
  ForEachBounded(to_probe.size(), options.parallel, [&](size_t i) {
    const model::Node& node = *to_probe[i];
    model::NodeProbe& probe = probes[i];
    absl::StatusOr<drivers::SshTarget> target = addresses.TargetFor(node, options.address_timeout);
    if (!target.ok()) {
      probe.status = target.status();
      return;
    }
    probe.address = target->host;
    std::vector<std::string> unrenderable;
    model::RenderContext context = contexts.Acquire(node, target->host);
    drivers::ProbeRequest request =
        ProbeRequestWith(spec, node, options.state_dir, context, &unrenderable);
    contexts.Release(std::move(context));
    absl::StatusOr<drivers::ProbeResult> result =
        shell.Probe(*target, request, clock.Now() + options.probe_timeout);
    if (!result.ok()) {
      probe.status = result.status();
      return;
    }
    probe.hostname = result->hostname;
    probe.boot_id = result->boot_id;
    probe.applied_roles = result->role_hashes;
    for (const drivers::ProbeCheck& check : request.checks) {
      const std::string role = check.id.substr(0, check.id.rfind('/'));
      auto exit = result->check_exit_status.find(check.id);
      const bool passed = exit != result->check_exit_status.end() && exit->second == 0;
      auto [it, inserted] = probe.checks_pass.emplace(role, passed);
      if (!inserted) it->second = it->second && passed;
    }
    for (const std::string& role : unrenderable) probe.checks_pass[role] = false;
  });
  for (size_t i = 0; i < to_probe.size(); ++i) state.probes[to_probe[i]->name] = std::move(probes[i]);
  return state;
}

}  // namespace reconcile
