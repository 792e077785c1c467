// The git side of `reconcile watch --git`: fetches the branch on a poll
// interval and on SIGHUP, and ends the loop's wait when its tip moved to a
// commit not yet taken or refused. The loop's reload then loads that commit
// (LoadSeen): a spec that loads becomes the desired one; one that does not is
// refused with its located errors while the last good commit stays applied.
// A revert is a new commit like any other; a force-push moves the tip to a
// commit that is not a descendant, which is said and then taken the same way.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "cli/gitops/git_spec_source.h"
#include "cli/gitops/spec_from_git.h"
#include "model/spec_revision.h"
#include "reconciler/watch.h"

namespace reconcile::cli {

class GitEvents final : public WatchEvents {
 public:
  using Log = std::function<void(const std::string&)>;
  using OnChange = std::function<void(const model::SpecRevision&, model::RevisionEvent)>;

  // Installs the SIGINT/SIGTERM and SIGHUP handlers. `revision` is where the
  // start left it (LoadFromGit); the first fetch is one `poll` from now.
  static absl::StatusOr<std::unique_ptr<GitEvents>> Create(GitSpecSource& source,
                                                           model::SpecRevision revision,
                                                           absl::Duration poll, Log log,
                                                           OnChange on_change);

  Event WaitUntil(absl::Time deadline) override;

  // The reload: loads the tip last seen. See the file comment.
  absl::StatusOr<Desired> LoadSeen(const SpecLoader& load);

  // After each pass: once a pass finds the cluster converged, the desired
  // commit is the applied one.
  void PassDone(bool converged);

  const model::SpecRevision& revision() const { return revision_; }

 private:
  GitEvents(GitSpecSource& source, model::SpecRevision revision, absl::Duration poll, Log log,
            OnChange on_change);
  void FetchNow();
  // The tip is a commit neither taken nor refused yet.
  bool TipPending() const;

  GitSpecSource& source_;
  model::SpecRevision revision_;
  absl::Duration poll_;
  Log log_;
  OnChange on_change_;
  absl::Time next_fetch_;
  bool hangup_ = false;
};

}  // namespace reconcile::cli
