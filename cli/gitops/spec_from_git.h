// Loading the spec of one commit (`--git`): the commit written out into its
// own directory, loaded like a file, its diagnostics naming the commit.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "cli/gitops/git_spec_source.h"
#include "model/spec_revision.h"
#include "reconciler/watch.h"

namespace reconcile::cli {

// Loads a spec file, writing its diagnostics to the stream (LoadDesired).
using SpecLoader = std::function<absl::StatusOr<Desired>(const std::string& path, std::ostream& err)>;

// The spec of `commit`. On failure the status message is every diagnostic,
// located as "<short commit>:<path>:line:col: ...".
absl::StatusOr<Desired> LoadCommit(GitSpecSource& source, const std::string& commit,
                                   const SpecLoader& load);

struct GitSpec {
  std::unique_ptr<GitSpecSource> source;
  model::SpecRevision revision;  // seen and desired set
  Desired desired;
  std::string spec_path;  // the loaded spec, inside its commit's directory
};

// Fetches the branch and loads its tip. With `fall_back_to_last_good`, a tip
// that does not load is refused (said on `err`, kept in revision.refused) and
// the last commit that loaded is used, when there is one; the commit loaded
// becomes the last good one and other written-out commits are removed. Errors are printed
// to `err` and returned.
absl::StatusOr<GitSpec> LoadFromGit(const GitSourceOptions& options, const SpecLoader& load,
                                    std::ostream& err);

}  // namespace reconcile::cli
