#include "reconciler/cluster_actions.h"

#include <algorithm>
#include <set>

#include "base/shell_quote.h"
#include "base/status_macros.h"
#include "fmt/format.h"
#include "model/sha256.h"
#include "reconciler/command_output.h"
#include "reconciler/create_readiness.h"
#include "reconciler/nixos_step.h"
#include "reconciler/node_state_paths.h"
#include "reconciler/redact.h"
#include "model/expand.h"
#include "reconciler/render_context.h"
#include "reconciler/role_outputs.h"

namespace reconcile {
namespace {

// Every reference the role's templates make (steps, checks, files).
std::vector<model::TemplateRef> RoleRefs(const model::RoleSpec& role) {
  std::vector<model::TemplateRef> refs;
  auto collect = [&](const std::string& text) {
    model::Template tmpl;
    if (model::ParseTemplate(text, tmpl)) return;  // validation already rejected it
    for (const model::TemplateRef& ref : tmpl.Refs()) refs.push_back(ref);
  };
  for (const model::StepSpec& step : role.steps) {
    collect(step.run);
    collect(step.check);
    for (const model::FileSpec& file : step.files) collect(file.content);
    if (step.nixos) collect(step.nixos->module);
  }
  return refs;
}

// What a replace of `node` leaves for its successor: the disks marked keep.
drivers::DeleteOptions KeptDisks(const model::Node& node) {
  drivers::DeleteOptions options;
  for (const model::DataDiskSpec& disk : node.data_disks) {
    if (disk.keep) options.keep_disks.push_back(disk.name);
  }
  return options;
}

}  // namespace

ClusterActions::ClusterActions(const model::Spec& spec, const std::vector<model::Node>& nodes,
                               drivers::Hypervisor& hypervisor, drivers::NodeShell& shell,
                               AddressBook& addresses, ClusterActionsOptions options, Clock& clock)
    : spec_(spec), nodes_(nodes), hypervisor_(hypervisor), shell_(shell), addresses_(addresses),
      options_(std::move(options)), clock_(clock) {
  for (const model::Variable& var : spec.vars) {
    if (var.secret) secrets_.push_back(var.value);
  }
  for (const model::GroupSpec& group : spec.groups) {
    for (const model::Variable& var : group.vars) {
      if (var.secret) secrets_.push_back(var.value);
    }
  }
}

void ClusterActions::UseOutputs(
    const std::map<std::string, std::map<std::string, std::string>>& outputs) {
  absl::MutexLock lock(&mu_);
  for (const auto& [role_name, values] : outputs) {
    outputs_[role_name] = values;
    const model::RoleSpec* role = spec_.FindRole(role_name);
    if (role == nullptr) continue;
    for (const model::OutputSpec& output : role->outputs) {
      auto value = values.find(output.name);
      if (output.secret && value != values.end()) secrets_.push_back(value->second);
    }
  }
}

std::vector<std::string> ClusterActions::Secrets() const {
  absl::MutexLock lock(&mu_);
  return secrets_;
}

absl::Status ClusterActions::Redacted(absl::Status status) const {
  if (status.ok()) return status;
  return absl::Status(status.code(), Redact(std::string(status.message()), Secrets()));
}

const model::Node* ClusterActions::FindNode(const std::string& name) const {
  auto it = std::find_if(nodes_.begin(), nodes_.end(),
                         [&](const model::Node& node) { return node.name == name; });
  return it == nodes_.end() ? nullptr : &*it;
}

drivers::NodeRequest ClusterActions::RequestFor(const model::Node& node,
                                                const std::string& host) const {
  const model::HypervisorSpec* where = host.empty() ? nullptr : spec_.FindHost(host);
  return CreateRequest(spec_, node, where != nullptr ? *where : spec_.Hosts().front(),
                       options_.authorized_key);
}

absl::Status ClusterActions::RunNetwork(const model::Action& action) {
  const model::HypervisorSpec* host =
      action.host.empty() ? &spec_.Hosts().front() : spec_.FindHost(action.host);
  if (host == nullptr) {
    return absl::InvalidArgumentError(fmt::format("no hypervisor host named '{}'", action.host));
  }
  drivers::NetworkRequest request{.cluster = spec_.cluster, .hypervisor = *host};
  if (action.kind == model::ActionKind::kDeleteNetwork) {
    request.network.name = action.network;
    return hypervisor_.DeleteNetwork(request);
  }
  const model::OwnedNetworkSpec* network = host->FindCreatedNetwork(action.network);
  if (network == nullptr) {
    return absl::InvalidArgumentError(
        fmt::format("network {}: not in create_network of host {}", action.network, host->name));
  }
  request.network = *network;
  return hypervisor_.EnsureNetwork(request);
}

absl::Status ClusterActions::Run(const model::Action& action, absl::Time deadline) {
  if (action.kind == model::ActionKind::kCreateNetwork ||
      action.kind == model::ActionKind::kDeleteNetwork) {
    return RunNetwork(action);
  }
  if (action.kind == model::ActionKind::kDelete) {
    addresses_.Forget(action.node);
    // Left the spec for good: its kept data disks go with it.
    return hypervisor_.DeleteNode(action.node, {});
  }
  const model::Node* node = FindNode(action.node);
  if (node == nullptr) {
    return absl::InvalidArgumentError(fmt::format("{}: not a node of this spec", action.node));
  }
  switch (action.kind) {
    case model::ActionKind::kCreate:
      return Create(*node, action.host);
    case model::ActionKind::kStart:
      addresses_.Forget(node->name);
      return hypervisor_.StartNode(node->name);
    case model::ActionKind::kUpdate:
      return Update(action, *node);
    case model::ActionKind::kReplace:
      // The plan checked this too; the world may have changed since, and a
      // node deleted for a successor that cannot be made is simply lost.
      RETURN_IF_ERROR(CheckCreatable(*node, action.host));
      addresses_.Forget(node->name);
      RETURN_IF_ERROR(hypervisor_.DeleteNode(node->name, KeptDisks(*node)));
      return Create(*node, action.host);
    case model::ActionKind::kConfigure:
      return Redacted(Configure(*node, action.role, deadline));
    case model::ActionKind::kDelete:
    case model::ActionKind::kCreateNetwork:
    case model::ActionKind::kDeleteNetwork:
      break;  // handled above
  }
  return absl::InternalError("unknown action kind");
}

absl::Status ClusterActions::CheckCreatable(const model::Node& node, const std::string& host) {
  const std::string key_problem =
      KeyProblem(node, {options_.authorized_key, options_.authorized_key_problem});
  if (!key_problem.empty()) {
    return absl::FailedPreconditionError(fmt::format("{}: {}", node.name, key_problem));
  }
  absl::Status ready = hypervisor_.CheckCreate(RequestFor(node, host));
  if (ready.ok()) return ready;
  return absl::Status(ready.code(), fmt::format("{}: {}", node.name, std::string(ready.message())));
}

absl::Status ClusterActions::Create(const model::Node& node, const std::string& host) {
  RETURN_IF_ERROR(CheckCreatable(node, host));
  absl::StatusOr<drivers::CreatedNode> created = hypervisor_.CreateNode(RequestFor(node, host));
  if (created.ok()) return absl::OkStatus();
  if (created.status().code() != absl::StatusCode::kAlreadyExists) return created.status();
  // A retry after a creation that succeeded but whose answer was lost: ours,
  // same place in the spec, so finish the job by making sure it runs.
  ASSIGN_OR_RETURN(drivers::DomainInfo domain, hypervisor_.GetDomain(node.name));
  if (!domain.owner || domain.owner->cluster != spec_.cluster ||
      domain.owner->group != node.group || domain.owner->index != node.index) {
    return created.status();
  }
  return hypervisor_.StartNode(node.name);
}

absl::Status ClusterActions::Update(const model::Action& action, const model::Node& node) {
  ASSIGN_OR_RETURN(drivers::UpdateEffect effect,
                   hypervisor_.UpdateNode(RequestFor(node, action.host)));
  if (effect != drivers::UpdateEffect::kNeedsRestart || !action.restart) return absl::OkStatus();
  addresses_.Forget(node.name);
  RETURN_IF_ERROR(hypervisor_.StopNode(node.name, options_.shutdown_grace));
  return hypervisor_.StartNode(node.name);
}

absl::StatusOr<std::map<std::string, std::string>> ClusterActions::OutputsOf(
    const std::string& role_name, absl::Time deadline) {
  struct Waiting {
    const std::set<std::string>* capturing;
    const std::string* role;
  } waiting{&capturing_, &role_name};
  mu_.Lock();
  // Another configure is capturing them: wait for its answer, so an output
  // command runs once per pass however many dependants need it at once.
  mu_.Await(absl::Condition(
      +[](Waiting* w) { return w->capturing->count(*w->role) == 0; }, &waiting));
  if (auto it = outputs_.find(role_name); it != outputs_.end()) {
    std::map<std::string, std::string> values = it->second;
    mu_.Unlock();
    return values;
  }
  capturing_.insert(role_name);
  mu_.Unlock();
  absl::StatusOr<std::map<std::string, std::string>> values = CaptureOutputs(role_name, deadline);
  absl::MutexLock lock(&mu_);
  capturing_.erase(role_name);
  if (values.ok()) outputs_[role_name] = *values;
  return values;
}

absl::StatusOr<std::map<std::string, std::string>> ClusterActions::CaptureOutputs(
    const std::string& role_name, absl::Time deadline) {
  const model::RoleSpec* role = spec_.FindRole(role_name);
  const model::Node* provider = OutputProvider(nodes_, role_name);
  if (role == nullptr || provider == nullptr) {
    return absl::FailedPreconditionError(
        fmt::format("no node has role '{}' to take its outputs from", role_name));
  }
  ASSIGN_OR_RETURN(drivers::SshTarget target, addresses_.TargetFor(*provider, Until(deadline)));
  ASSIGN_OR_RETURN(auto values,
                   RunRoleOutputs(spec_, nodes_, *role, *provider, target, shell_, deadline));
  for (const model::OutputSpec& output : role->outputs) {
    if (!output.secret) continue;
    absl::MutexLock lock(&mu_);
    secrets_.push_back(values[output.name]);
  }
  // What dependants were given, for Observe to render their checks with
  // (it reads this file; it never runs an output command).
  RETURN_IF_ERROR(shell_.Run(target, "mkdir -p -m 0700 " + ShellQuote(RolesDir(options_.state_dir)),
                             deadline).status());
  RETURN_IF_ERROR(shell_.Upload(target, RecordedOutputsPath(options_.state_dir, role_name),
                                EncodeOutputs(values), 0600, "", deadline));
  return values;
}

absl::StatusOr<model::RenderContext> ClusterActions::ContextFor(const model::Node& node,
                                                                const model::RoleSpec& role,
                                                                const std::string& address,
                                                                absl::Time deadline) {
  model::RenderContext context = model::StaticRenderContext(spec_, nodes_, node);
  context.self_ip = address;
  std::set<std::string> ip_groups;
  std::set<std::string> output_roles;
  for (const model::TemplateRef& ref : RoleRefs(role)) {
    if (ref.kind == model::TemplateRef::Kind::kGroupIps) ip_groups.insert(ref.target);
    if (ref.kind == model::TemplateRef::Kind::kRoleOutput) output_roles.insert(ref.target);
  }
  for (const std::string& group : ip_groups) {
    for (const model::Node& member : nodes_) {
      if (member.group != group) continue;
      absl::StatusOr<drivers::SshTarget> target = addresses_.TargetFor(member, Until(deadline));
      if (!target.ok()) {
        return absl::UnavailableError(fmt::format("needs the address of {}: {}", member.name,
                                                  std::string(target.status().message())));
      }
      context.group_ips[group].push_back(target->host);
    }
  }
  for (const std::string& provider : output_roles) {
    ASSIGN_OR_RETURN(context.role_outputs[provider], OutputsOf(provider, deadline));
  }
  return context;
}

absl::Status ClusterActions::Configure(const model::Node& node, const std::string& role_name,
                                       absl::Time deadline) {
  const model::RoleSpec* role = spec_.FindRole(role_name);
  if (role == nullptr) return absl::InvalidArgumentError(fmt::format("unknown role '{}'", role_name));
  ASSIGN_OR_RETURN(drivers::SshTarget target,
                   addresses_.TargetFor(node, std::min(Until(deadline), options_.boot_timeout)));
  ASSIGN_OR_RETURN(model::RenderContext context, ContextFor(node, *role, target.host, deadline));

  std::string file_digests;  // sha256sum -c format: what the probe re-checks
  for (const model::StepSpec& step : role->steps) {
    const std::string what = fmt::format("{}: role {} step '{}'", node.name, role_name, step.name);
    // Files are declared state: always put in place (atomically), so a file
    // changed on the node is restored even when the step's check passes.
    // Their directories are part of that state: a fresh node has none of them.
    std::vector<model::FileSpec> files = step.files;
    if (step.nixos) {
      for (model::FileSpec& file : NixosStepFiles(role_name, *step.nixos)) {
        files.push_back(std::move(file));
      }
    }
    RETURN_IF_ERROR(MakeParentDirectories(target, node, step.name, files, deadline));
    for (const model::FileSpec& file : files) {
      ASSIGN_OR_RETURN(std::string content,
                       RenderText(file.content, context, model::Quoting::kNone,
                                  fmt::format("{} file {}", what, file.path)));
      RETURN_IF_ERROR(shell_.Upload(target, file.path, content, file.mode, file.owner, deadline));
      file_digests += fmt::format("{}  {}\n", model::Sha256Hex(content), file.path);
    }
    if (step.nixos) {
      RETURN_IF_ERROR(RunNixos(target, what, *step.nixos, deadline));
      continue;
    }
    if (step.run.empty()) continue;
    if (!step.check.empty()) {
      ASSIGN_OR_RETURN(std::string check,
                       RenderText(step.check, context, model::Quoting::kShell, what + " check"));
      ASSIGN_OR_RETURN(drivers::CommandResult checked, shell_.Run(target, check, deadline));
      if (checked.exit_status == 0) continue;  // already applied
    }
    ASSIGN_OR_RETURN(std::string command,
                     RenderText(step.run, context, model::Quoting::kShell, what));
    ASSIGN_OR_RETURN(drivers::CommandResult result, shell_.Run(target, command, deadline));
    if (result.exit_status != 0) {
      return absl::FailedPreconditionError(
          fmt::format("{} exited {}: {}", what, result.exit_status,
                      StderrTail(result.stderr_data)));
    }
  }
  return RecordApplied(target, node, role_name, file_digests, deadline);
}

absl::Status ClusterActions::RunNixos(const drivers::SshTarget& target, const std::string& what,
                                      const model::NixosSpec& nixos, absl::Time deadline) {
  const std::string rebuild = RebuildCommand(nixos.rebuild);
  const std::pair<std::string, std::string> commands[] = {
      {"importing ./reconcile into configuration.nix", EnsureImportCommand()},
      {"`" + rebuild + "`", rebuild}};
  for (const auto& [label, command] : commands) {
    ASSIGN_OR_RETURN(drivers::CommandResult result, shell_.Run(target, command, deadline));
    if (result.exit_status != 0) {
      return absl::FailedPreconditionError(fmt::format("{}: {} exited {}: {}", what, label,
                                                       result.exit_status,
                                                       StderrTail(result.stderr_data)));
    }
  }
  return absl::OkStatus();
}

absl::Status ClusterActions::MakeParentDirectories(const drivers::SshTarget& target,
                                                  const model::Node& node,
                                                  const std::string& step,
                                                  const std::vector<model::FileSpec>& files,
                                                  absl::Time deadline) {
  std::set<std::string> parents;
  for (const model::FileSpec& file : files) {
    const size_t slash = file.path.rfind('/');
    if (slash != std::string::npos && slash > 0) parents.insert(file.path.substr(0, slash));
  }
  if (parents.empty()) return absl::OkStatus();
  std::string command = "mkdir -p";  // paths are absolute: never read as options
  for (const std::string& dir : parents) command += " " + ShellQuote(dir);
  ASSIGN_OR_RETURN(drivers::CommandResult made, shell_.Run(target, command, deadline));
  if (made.exit_status != 0) {
    return absl::FailedPreconditionError(fmt::format(
        "{}: cannot create the directories of step '{}': {}", node.name, step,
        StderrTail(made.stderr_data)));
  }
  return absl::OkStatus();
}

absl::Status ClusterActions::RecordApplied(const drivers::SshTarget& target,
                                           const model::Node& node, const std::string& role,
                                           const std::string& file_digests, absl::Time deadline) {
  auto hash = node.role_hashes.find(role);
  if (hash == node.role_hashes.end()) {
    return absl::InternalError(fmt::format("{}: no hash for role '{}'", node.name, role));
  }
  const std::string roles_dir = RolesDir(options_.state_dir);
  ASSIGN_OR_RETURN(drivers::CommandResult made,
                   shell_.Run(target, "mkdir -p -m 0700 " + ShellQuote(roles_dir), deadline));
  if (made.exit_status != 0) {
    return absl::FailedPreconditionError(fmt::format(
        "{}: cannot create {}: {}", node.name, roles_dir, StderrTail(made.stderr_data)));
  }
  RETURN_IF_ERROR(shell_.Upload(target, FileDigestsPath(options_.state_dir, role), file_digests,
                                0600, "", deadline));
  // Last: the hash is what marks the role applied.
  // 0600: with secret vars in the rendered role, the digest is not for everyone.
  return shell_.Upload(target, RoleHashPath(options_.state_dir, role), hash->second, 0600, "",
                       deadline);
}

}  // namespace reconcile
