#include "cli/cluster_session.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "base/clock.h"
#include "base/status_macros.h"
#include "cli/gitops/spec_from_git.h"
#include "cli/host_connections.h"
#include "drivers/ssh/ssh_node_shell.h"
#include "model/diagnostics.h"
#include "model/expand.h"
#include "model/loader.h"
#include "model/names.h"
#include "fmt/format.h"

namespace reconcile::cli {
namespace {

// The operator's public key, seeded into new nodes: <identity>.pub.
absl::StatusOr<std::string> AuthorizedKey(const model::SshSpec& ssh) {
  std::string identity = ssh.identity.empty() ? "~/.ssh/id_ed25519" : ssh.identity;
  const std::string path = ExpandUser(identity) + ".pub";
  std::ifstream in(path);
  if (!in) {
    return absl::FailedPreconditionError("cannot read the operator's public key " + path +
                                         " (ssh.identity + .pub), which new nodes are seeded with");
  }
  std::string line;
  std::getline(in, line);
  if (line.rfind("ssh-", 0) != 0 && line.rfind("ecdsa-", 0) != 0 && line.rfind("sk-", 0) != 0) {
    return absl::FailedPreconditionError("the operator's public key " + path +
                                         " does not start with a key type (ssh-ed25519 ...)");
  }
  return line;
}

// `--target` names -> node names: a group stands for its nodes.
absl::StatusOr<std::set<std::string>> ResolveOnly(const Desired& desired,
                                                  const std::vector<std::string>& only,
                                                  std::ostream& err) {
  std::set<std::string> nodes;
  std::vector<std::string> names;
  for (const model::Node& node : desired.nodes) names.push_back(node.name);
  for (const model::GroupSpec& group : desired.spec.groups) names.push_back(group.name);
  for (const std::string& name : only) {
    bool found = false;
    for (const model::Node& node : desired.nodes) {
      if (node.name == name || node.group == name) {
        nodes.insert(node.name);
        found = true;
      }
    }
    if (found) continue;
    std::string message = fmt::format("reconcile: --target '{}': cluster {} has no node or group of that name",
                                      name, desired.spec.cluster);
    if (std::optional<std::string> close = model::ClosestMatch(name, names)) {
      message += fmt::format(", did you mean '{}'?", *close);
    }
    err << message << "\n";
    return absl::InvalidArgumentError(message);
  }
  return nodes;
}

}  // namespace

std::string ExpandUser(const std::string& path) {
  if (path.rfind("~/", 0) != 0) return path;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + path.substr(1);
}

absl::StatusOr<Desired> LoadDesired(const std::string& path, const std::string& connect,
                                    std::ostream& err) {
  model::Diagnostics diagnostics;
  absl::StatusOr<model::Spec> spec = model::LoadSpec(path, diagnostics);
  if (!spec.ok()) {
    err << diagnostics.ToString();
    return spec.status();
  }
  if (!connect.empty()) {
    if (spec->Hosts().size() > 1) {
      err << path << ": --connect replaces the one hypervisor's URI, but the spec lists "
          << spec->Hosts().size() << " hypervisors\n";
      return absl::InvalidArgumentError("--connect with several hypervisors");
    }
    (spec->hypervisors.empty() ? spec->hypervisor : spec->hypervisors.front()).uri = connect;
  }
  spec->ssh.identity = ExpandUser(spec->ssh.identity);
  spec->ssh.known_hosts = ExpandUser(spec->ssh.known_hosts);
  absl::StatusOr<std::vector<model::Node>> nodes = model::ExpandSpec(*spec);
  if (!nodes.ok()) {
    err << path << ": " << nodes.status().message() << "\n";
    return nodes.status();
  }
  return Desired{*std::move(spec), *std::move(nodes)};
}

std::vector<HostConnection> ClusterSession::Hosts() const {
  std::vector<HostConnection> hosts;
  const auto spec_hosts = desired.spec.Hosts();
  for (size_t i = 0; i < spec_hosts.size() && i < hypervisors.size(); ++i) {
    hosts.push_back({spec_hosts[i].name, hypervisors[i].get()});
  }
  return hosts;
}

Reconciler ClusterSession::MakeReconciler(Clock& clock) const {
  return Reconciler(desired.spec, desired.nodes, Hosts(), *shell, clock, options);
}

absl::StatusOr<PassResult> PlanOnce(const ClusterSession& session, std::ostream& err) {
  Reconciler reconciler = session.MakeReconciler(Clock::Real());
  absl::StatusOr<PassResult> pass = reconciler.PlanPass();
  if (!pass.ok()) err << "reconcile: cannot observe the cluster: " << pass.status().message() << "\n";
  return pass;
}

absl::StatusOr<ClusterSession> OpenCluster(const TargetOptions& target, std::ostream& err) {
  ClusterSession session;
  if (target.git.repo.empty()) {
    absl::StatusOr<Desired> desired = LoadDesired(target.spec, target.connect, err);
    if (!desired.ok()) return desired.status();
    session.desired = *std::move(desired);
    session.spec_path = target.spec;
  } else {
    absl::StatusOr<GitSpec> git = LoadFromGit(
        target.git,
        [&](const std::string& path, std::ostream& diagnostics) {
          return LoadDesired(path, target.connect, diagnostics);
        },
        err);
    if (!git.ok()) return git.status();
    session.desired = std::move(git->desired);
    session.spec_path = git->spec_path;
    session.revision = git->revision;
    session.git = std::move(git->source);
  }
  const model::Spec& spec = session.desired.spec;

  ASSIGN_OR_RETURN(session.hypervisors, OpenHosts(spec, err));
  session.shell = std::make_unique<drivers::ssh::SshNodeShell>();
  session.options = OptionsFromPolicy(spec);
  if (!target.only.empty()) {
    ASSIGN_OR_RETURN(session.options.only, ResolveOnly(session.desired, target.only, err));
  }
  // Only creating nodes needs the key; a plan or status of an existing
  // cluster works without it.
  if (absl::StatusOr<std::string> key = AuthorizedKey(spec.ssh); key.ok()) {
    session.options.actions.authorized_key = *key;
  } else {
    session.options.actions.authorized_key_problem = std::string(key.status().message());
  }
  return session;
}

}  // namespace reconcile::cli
