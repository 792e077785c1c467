#include "cli/apply_command.h"

#include <iostream>

#include "cli/cluster_session.h"
#include "cli/converge.h"
#include "cli/saved_plan.h"
#include "cli/spec_text.h"
#include "fmt/format.h"

namespace reconcile::cli {
namespace {

int ApplySavedPlan(const ApplyOptions& options, const SavedPlan& saved, std::ostream& out,
                   std::ostream& err) {
  const std::string& file = options.target.spec;
  if (!options.target.connect.empty() && options.target.connect != saved.connect) {
    err << fmt::format("reconcile apply: {} was planned with --connect '{}'; it cannot be "
                       "applied elsewhere (re-plan with reconcile plan --out)\n",
                       file, saved.connect);
    return 1;
  }
  absl::StatusOr<ClusterSession> session = OpenCluster({saved.spec_path, saved.connect}, err);
  if (!session.ok()) return 1;
  absl::StatusOr<std::string> spec_text = ReadSpecText(saved.spec_path);
  if (!spec_text.ok() || DesiredDigest(*spec_text, session->desired.nodes) != saved.spec_digest) {
    err << fmt::format("reconcile apply: the spec changed since {} was saved ({} or a file, "
                       "secret or variable it uses); nothing was done. Re-plan with "
                       "reconcile plan {} --out {}\n",
                       file, saved.spec_path, saved.spec_path, file);
    return 1;
  }
  const std::string cluster = session->desired.spec.cluster;
  SavedPlanCheck check{[&](const model::Plan& plan, const model::ObservedState& observed) {
    if (std::optional<std::string> what = WhatChanged(saved, observed, plan, cluster)) {
      return absl::AbortedError(fmt::format(
          "the cluster changed since {} was saved ({}); re-plan with reconcile plan {} --out {}",
          file, *what, saved.spec_path, file));
    }
    return absl::OkStatus();
  }};
  return Converge(*session, options.converge, "Apply", std::cin, out, err, &check).exit_code;
}

}  // namespace

int RunApply(const ApplyOptions& options, std::ostream& out, std::ostream& err) {
  // A saved plan (`plan --out`) or a spec: the file says which.
  if (absl::StatusOr<std::string> text = ReadSpecText(options.target.spec); text.ok()) {
    if (std::optional<absl::StatusOr<SavedPlan>> saved = ParseSavedPlan(*text)) {
      if (!saved->ok()) {
        err << "reconcile apply: " << options.target.spec << ": " << saved->status().message() << "\n";
        return 1;
      }
      return ApplySavedPlan(options, **saved, out, err);
    }
  }
  absl::StatusOr<ClusterSession> session = OpenCluster(options.target, err);
  if (!session.ok()) return 1;
  return Converge(*session, options.converge, "Apply", std::cin, out, err).exit_code;
}

}  // namespace reconcile::cli
