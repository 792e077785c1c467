// The spec as one commit of a git branch says it (`reconcile watch --git`):
// a bare mirror of the branch, and each commit written out into a directory
// of its own, so a spec and the files it names (NixOS modules, role files)
// always come from the same commit.
//
// Layout under the state directory:
//   git/<url hash>/mirror/         the bare mirror (drivers/git/git_mirror.h)
//   git/<url hash>/trees/<commit>/ one commit's files (written once, renamed in)
//   git/<url hash>/last-good       the last commit whose spec loaded, so a
//                                  restart with a bad tip keeps applying it
#pragma once

#include <memory>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "cli/gitops/state_lock.h"
#include "cli/options.h"
#include "drivers/git/git_mirror.h"

namespace reconcile::cli {

// $RECONCILE_STATE_DIR, else /var/lib/reconcile for root, else
// $XDG_STATE_HOME/reconcile, else ~/.local/state/reconcile.
std::string DefaultStateDir();

// Whether --git names a local path rather than a URL or host:path.
bool IsLocalPath(const std::string& repo);

class GitSpecSource {
 public:
  static absl::StatusOr<std::unique_ptr<GitSpecSource>> Open(const GitSourceOptions& options);

  // Fetches the branch (under Lock()); its tip.
  absl::StatusOr<std::string> Fetch();

  // The state's lock, for a caller that writes a commit out and reads it
  // (SpecOf, then loading the spec): another process's KeepOnly waits.
  absl::StatusOr<StateLock> Lock() const { return StateLock::Take(root_ + "/lock"); }

  // The spec's path inside the commit's own directory, writing it out the
  // first time. kNotFound when the commit has no file at the spec's path.
  // Call it holding Lock().
  absl::StatusOr<std::string> SpecOf(const std::string& commit);
  // Where SpecOf puts it, without writing anything.
  std::string SpecPath(const std::string& commit) const {
    return TreeDir(commit) + "/" + options_.path;
  }

  // `text` (a loader's diagnostics) with the commit's directory replaced by
  // "<short commit>:", git's own way to name a file of a commit
  // ("3f2a9c1b7d4e:clusters/lab.yaml:12:5: unknown key ...").
  std::string Locate(const std::string& text, const std::string& commit) const;

  // Removes the written-out commits other than these (under Lock()).
  void KeepOnly(const std::set<std::string>& commits);

  // The last commit whose spec loaded ("" none); saved for the next start.
  std::string LastGood() const;
  void SetLastGood(const std::string& commit);

  // "3f2a9c1b7d4e (add a worker)": for the log.
  std::string Describe(const std::string& commit);

  drivers::git::GitMirror& mirror() { return *mirror_; }
  const GitSourceOptions& options() const { return options_; }

 private:
  GitSpecSource(GitSourceOptions options, std::string root,
                std::unique_ptr<drivers::git::GitMirror> mirror)
      : options_(std::move(options)), root_(std::move(root)), mirror_(std::move(mirror)) {}
  std::string TreeDir(const std::string& commit) const { return root_ + "/trees/" + commit; }

  GitSourceOptions options_;
  std::string root_;  // state_dir/git/<url hash>
  std::unique_ptr<drivers::git::GitMirror> mirror_;
};

}  // namespace reconcile::cli
