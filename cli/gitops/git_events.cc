#include "cli/gitops/git_events.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/time/clock.h"
#include "cli/gitops/hangup_signal.h"
#include "cli/stop_signal.h"
#include "fmt/format.h"

namespace reconcile::cli {

absl::StatusOr<std::unique_ptr<GitEvents>> GitEvents::Create(GitSpecSource& source,
                                                             model::SpecRevision revision,
                                                             absl::Duration poll, Log log,
                                                             OnChange on_change) {
  if (absl::Status s = InstallStopHandlers(); !s.ok()) return s;
  if (absl::Status s = InstallHangupHandler(); !s.ok()) return s;
  return std::unique_ptr<GitEvents>(
      new GitEvents(source, std::move(revision), poll, std::move(log), std::move(on_change)));
}

GitEvents::GitEvents(GitSpecSource& source, model::SpecRevision revision, absl::Duration poll,
                     Log log, OnChange on_change)
    : source_(source),
      revision_(std::move(revision)),
      poll_(poll),
      log_(std::move(log)),
      on_change_(std::move(on_change)),
      next_fetch_(absl::Now() + poll) {}

bool GitEvents::TipPending() const {
  return !revision_.seen.empty() && revision_.seen != revision_.desired &&
         revision_.seen != revision_.refused;
}

void GitEvents::FetchNow() {
  absl::StatusOr<std::string> tip = source_.Fetch();
  if (!tip.ok()) {
    const std::string error(tip.status().message());
    // Said when it starts or changes, not on every poll of an outage.
    if (error != revision_.fetch_error) {
      log_(fmt::format("git: fetch failed, still applying {}: {}",
                       model::ShortCommit(revision_.desired), error));
    }
    revision_.fetch_error = error;
    on_change_(revision_, model::RevisionEvent::kFetchFailed);
    return;
  }
  if (!revision_.fetch_error.empty()) log_("git: fetching works again");
  revision_.fetch_error.clear();
  revision_.last_fetch = absl::Now();
  if (*tip != revision_.seen) {
    const std::string before = revision_.seen;
    absl::StatusOr<bool> forward = source_.mirror().Descends(*tip, before);
    if (forward.ok() && !*forward) {
      log_(fmt::format("git: {} was force-pushed: its tip {} does not descend from {}",
                       revision_.branch, source_.Describe(*tip), model::ShortCommit(before)));
    } else {
      log_(fmt::format("git: new tip of {}: {}", revision_.branch, source_.Describe(*tip)));
    }
    revision_.seen = *tip;
    // Back to the commit being applied (a bad commit force-pushed away):
    // nothing is refused any more.
    if (revision_.seen == revision_.desired) {
      revision_.refused.clear();
      revision_.refused_error.clear();
    }
  }
  on_change_(revision_, model::RevisionEvent::kFetched);
}

WatchEvents::Event GitEvents::WaitUntil(absl::Time deadline) {
  for (;;) {
    if (StopRequested().load()) return Event::kStop;
    absl::Time now = absl::Now();
    if (hangup_ || now >= next_fetch_) {
      hangup_ = false;
      FetchNow();
      next_fetch_ = absl::Now() + poll_;
      if (TipPending()) return Event::kSpecChanged;
      now = absl::Now();
    }
    if (now >= deadline) return Event::kTimeout;
    const absl::Duration left = std::min(deadline, next_fetch_) - now;
    struct pollfd fds[2] = {{StopPipeReadFd(), POLLIN, 0}, {HangupPipeReadFd(), POLLIN, 0}};
    const int timeout_ms =
        static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1 << 30));
    const int ready = poll(fds, 2, timeout_ms);
    if (ready < 0 && errno != EINTR) return Event::kStop;  // cannot wait: stop rather than spin
    if (fds[0].revents & POLLIN) return Event::kStop;
    if (fds[1].revents & POLLIN) {
      char drain[64];
      while (read(HangupPipeReadFd(), drain, sizeof drain) > 0) {
      }
      log_("git: SIGHUP: fetching now");
      hangup_ = true;
    }
  }
}

absl::StatusOr<Desired> GitEvents::LoadSeen(const SpecLoader& load) {
  const std::string commit = revision_.seen;
  absl::StatusOr<Desired> desired = LoadCommit(source_, commit, load);
  if (!desired.ok()) {
    revision_.refused = commit;
    revision_.refused_error = std::string(desired.status().message());
    on_change_(revision_, model::RevisionEvent::kRefused);
    return absl::InvalidArgumentError(
        fmt::format("refused commit {}, still applying {}:\n{}", source_.Describe(commit),
                    model::ShortCommit(revision_.desired), revision_.refused_error));
  }
  log_(fmt::format("git: taking commit {}", source_.Describe(commit)));
  revision_.desired = commit;
  revision_.refused.clear();
  revision_.refused_error.clear();
  source_.SetLastGood(commit);
  source_.KeepOnly({commit});
  on_change_(revision_, model::RevisionEvent::kTaken);
  return desired;
}

void GitEvents::PassDone(bool converged) {
  if (!converged || revision_.desired.empty() || revision_.applied == revision_.desired) return;
  revision_.applied = revision_.desired;
  log_(fmt::format("git: commit {} is applied: the cluster is converged on it",
                   model::ShortCommit(revision_.applied)));
  on_change_(revision_, model::RevisionEvent::kApplied);
}

}  // namespace reconcile::cli
