#include "cli/gitops/spec_from_git.h"

#include <sstream>

#include "fmt/format.h"

namespace reconcile::cli {

absl::StatusOr<Desired> LoadCommit(GitSpecSource& source, const std::string& commit,
                                   const SpecLoader& load) {
  // The tree stays while the spec and the files it names are read.
  absl::StatusOr<StateLock> lock = source.Lock();
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::string> path = source.SpecOf(commit);
  if (!path.ok()) return path.status();
  std::ostringstream diagnostics;
  absl::StatusOr<Desired> desired = load(*path, diagnostics);
  if (desired.ok()) return desired;
  std::string located = source.Locate(diagnostics.str(), commit);
  while (!located.empty() && located.back() == '\n') located.pop_back();
  if (located.empty()) located = source.Locate(std::string(desired.status().message()), commit);
  return absl::InvalidArgumentError(located);
}

absl::StatusOr<GitSpec> LoadFromGit(const GitSourceOptions& options, const SpecLoader& load,
                                    std::ostream& err) {
  absl::StatusOr<std::unique_ptr<GitSpecSource>> source = GitSpecSource::Open(options);
  if (!source.ok()) {
    err << "reconcile: " << source.status().message() << "\n";
    return source.status();
  }
  absl::StatusOr<std::string> tip = (*source)->Fetch();
  if (!tip.ok()) {
    err << "reconcile: " << tip.status().message() << "\n";
    return tip.status();
  }
  GitSpec git;
  git.revision = {.repo = (*source)->mirror().shown_url(), .branch = options.branch,
                  .path = options.path, .seen = *tip};
  git.revision.last_fetch = absl::Now();
  std::string commit = *tip;
  absl::StatusOr<Desired> desired = LoadCommit(**source, commit, load);
  if (!desired.ok()) {
    err << desired.status().message() << "\n";
    const std::string last_good = (*source)->LastGood();
    if (!options.fall_back_to_last_good || last_good.empty() || last_good == commit) {
      err << fmt::format("reconcile: the spec of commit {} on {} does not load\n",
                         model::ShortCommit(commit), options.branch);
      return desired.status();
    }
    err << fmt::format("reconcile: refused commit {}; applying the last good commit {}\n",
                       (*source)->Describe(commit), (*source)->Describe(last_good));
    git.revision.refused = commit;
    git.revision.refused_error = std::string(desired.status().message());
    commit = last_good;
    desired = LoadCommit(**source, commit, load);
    if (!desired.ok()) {
      err << desired.status().message() << "\n";
      return desired.status();
    }
  }
  if (options.fall_back_to_last_good) {
    // Only the watch keeps state: a plan or status changes nothing.
    (*source)->SetLastGood(commit);
    (*source)->KeepOnly({commit});
  }
  git.revision.desired = commit;
  git.spec_path = (*source)->SpecPath(commit);  // written out by LoadCommit
  git.desired = *std::move(desired);
  git.source = *std::move(source);
  return git;
}

}  // namespace reconcile::cli
