// Wiring: from a spec path and the command line to a Reconciler over the real
// drivers (libvirt, libssh). The only place that names the implementations.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/gitops/git_spec_source.h"
#include "cli/options.h"
#include "drivers/hypervisor.h"
#include "drivers/node_shell.h"
#include "model/spec_revision.h"
#include "reconciler/reconciler.h"
#include "reconciler/watch.h"

namespace reconcile::cli {

// Loads, validates and expands a spec; diagnostics go to `err`. `connect`
// (when set) replaces the spec's hypervisor URI.
absl::StatusOr<Desired> LoadDesired(const std::string& path, const std::string& connect,
                                    std::ostream& err);

struct ClusterSession {
  Desired desired;
  std::string spec_path;  // the file loaded (under --git: inside its commit's directory)
  // Under --git: where the spec came from, and the mirror the watch fetches.
  std::optional<model::SpecRevision> revision;
  std::unique_ptr<GitSpecSource> git;
  // One per hypervisor host of the spec, in spec order (spec.Hosts()).
  std::vector<std::unique_ptr<drivers::Hypervisor>> hypervisors;
  std::unique_ptr<drivers::NodeShell> shell;
  ReconcilerOptions options;  // from the spec's policy; the command adds its hooks

  Reconciler MakeReconciler(Clock& clock) const;
  // The hypervisors with their spec names, in spec order.
  std::vector<HostConnection> Hosts() const;
};

// Loads the spec and opens the drivers. Errors are printed to `err` and
// returned.
absl::StatusOr<ClusterSession> OpenCluster(const TargetOptions& target, std::ostream& err);

// One observe + plan pass that changes nothing (plan, status). Errors are
// printed to `err` and returned.
absl::StatusOr<PassResult> PlanOnce(const ClusterSession& session, std::ostream& err);

// "~/x" -> "$HOME/x".
std::string ExpandUser(const std::string& path);

}  // namespace reconcile::cli
