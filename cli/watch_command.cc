#include "cli/watch_command.h"

#include <unistd.h>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "base/clock.h"
#include "cli/cluster_session.h"
#include "cli/gitops/git_events.h"
#include "cli/metrics/metrics_server.h"
#include "cli/progress.h"
#include "cli/progress_ticker.h"
#include "cli/render/revision_json.h"
#include "cli/render/terminal_text.h"
#include "cli/stop_signal.h"
#include "cli/watch_events.h"
#include "model/spec_files.h"
#include "reconciler/lock/cluster_lock.h"
#include "reconciler/metrics/watch_metrics.h"

namespace reconcile::cli {

int RunWatch(const WatchCommandOptions& options, std::ostream& log) {
  auto stamp = [] { return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ ", absl::Now(), absl::UTCTimeZone()); };
  absl::StatusOr<ClusterSession> session = OpenCluster(options.target, log);
  if (!session.ok()) return 1;
  const model::Spec& spec = session->desired.spec;
  absl::StatusOr<ClusterLock> lock = ClusterLock::Acquire(spec.cluster, options.lock_dir);
  if (!lock.ok()) {
    log << "reconcile: " << lock.status().message() << "\n";
    return 1;
  }
  if (options.boot_timeout) session->options.actions.boot_timeout = *options.boot_timeout;
  Clock& clock = Clock::Real();
  absl::Time pass_start = clock.Now();
  session->options.executor.cancel = &StopRequested();
  session->options.on_plan = [&](const model::Plan&) { pass_start = clock.Now(); };
  // The log is stderr: a status line redrawn there on a terminal, a "still
  // running" line now and then otherwise (journald, a file).
  ProgressTicker ticker(log, clock, ProgressTicker::StyleFor(STDERR_FILENO),
                        [&] { return stamp() + "  "; });
  ticker.Attach(session->options.executor, [&](const model::Action& action, const ActionResult& result) {
    return stamp() + "  " + ProgressLine(action, result, clock.Now() - pass_start);
  });
  Reconciler reconciler = session->MakeReconciler(clock);
  metrics::WatchMetrics metrics;
  StatusBoard board;
  // Each line of text made safe (a message may carry a node's or a driver's
  // control characters); lines after the first (a commit's located errors)
  // are indented, so no text can pass for a line of the log's own.
  auto log_line = [&](const std::string& text) {
    bool first = true;
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      ticker.Print(stamp() + (first ? "" : "    ") + render::TerminalSafe(std::string_view(line.data(), line.size())));
      first = false;
    }
  };

  // What ends a wait: an edit of the spec file (or a file it names), or under
  // --git a new tip of the branch.
  std::unique_ptr<SpecFileEvents> file_events;
  std::unique_ptr<GitEvents> git_events;
  if (session->git) {
    auto on_change = [&](const model::SpecRevision& revision, model::RevisionEvent event) {
      metrics.RevisionChanged(revision, event);
      board.RevisionChanged(revision);
    };
    absl::StatusOr<std::unique_ptr<GitEvents>> created =
        GitEvents::Create(*session->git, *session->revision, options.git_poll, log_line, on_change);
    if (!created.ok()) {
      log << "reconcile: " << created.status().message() << "\n";
      return 1;
    }
    git_events = *std::move(created);
    on_change(git_events->revision(), model::RevisionEvent::kTaken);
  } else {
    absl::StatusOr<std::unique_ptr<SpecFileEvents>> created = SpecFileEvents::Create(options.target.spec);
    if (!created.ok()) {
      log << "reconcile: " << created.status().message() << "\n";
      return 1;
    }
    file_events = *std::move(created);
    // The files the spec names are part of it: an edited module is a change.
    if (absl::Status s = file_events->WatchFiles(model::FilesOfSpec(spec)); !s.ok()) {
      log << "reconcile: " << s.message() << "\n";
      return 1;
    }
  }
  WatchEvents& events = git_events ? static_cast<WatchEvents&>(*git_events) : *file_events;
  std::unique_ptr<MetricsServer> server;
  if (options.listen) {
    absl::StatusOr<std::unique_ptr<MetricsServer>> started =
        MetricsServer::Start(*options.listen, metrics, clock, &board);
    if (!started.ok()) {
      log << "reconcile: " << started.status().message() << "\n";
      return 1;
    }
    server = *std::move(started);
  }

  WatchOptions watch;
  watch.interval = options.interval.value_or(spec.policy.interval);
  watch.interval_from_spec = !options.interval.has_value();
  if (git_events) {
    log << stamp() << "watching " << render::RevisionLine(git_events->revision()) << " (cluster "
        << spec.cluster << ", fetch every " << absl::FormatDuration(options.git_poll)
        << " and on SIGHUP, drift check every " << absl::FormatDuration(watch.interval) << ")\n";
  } else {
    log << stamp() << "watching " << options.target.spec << " (cluster " << spec.cluster
        << ", drift check every " << absl::FormatDuration(watch.interval) << ")\n";
  }
  if (server) {
    log << stamp() << "serving the status page (/), /status.json, /metrics and /healthz on "
        << options.listen->host << ":" << server->port() << "\n";
  }
  log << std::flush;
  watch.on_pass_done = [&](const PassSummary& summary, const PassResult* result) {
    metrics.PassDone(summary, result, reconciler.nodes(), clock.Now());
    if (server) board.PassDone(summary, result, reconciler.spec(), reconciler.nodes(), clock.Now());
    if (git_events) git_events->PassDone(summary.converged);
  };
  // A new spec (file or commit) must keep what the running watch was set up
  // with; its diagnostics go to `err`.
  auto load_checked = [&](const std::string& path, std::ostream& err) -> absl::StatusOr<Desired> {
    absl::StatusOr<Desired> desired = LoadDesired(path, options.target.connect, err);
    if (!desired.ok()) return desired;
    if (desired->spec.cluster != spec.cluster) {
      return absl::InvalidArgumentError("the cluster name cannot change under a running watch");
    }
    // Connections are made at start: a changed host list needs a restart,
    // said exactly, rather than a spec applied half.
    const auto now = desired->spec.Hosts();
    const auto before = spec.Hosts();
    bool same_hosts = now.size() == before.size();
    for (size_t i = 0; same_hosts && i < now.size(); ++i) {
      same_hosts = now[i].name == before[i].name && now[i].uri == before[i].uri;
    }
    if (!same_hosts) {
      return absl::FailedPreconditionError(
          "hypervisor hosts (names or URIs) changed: restart watch to connect to them");
    }
    return desired;
  };
  auto reload = [&]() -> absl::StatusOr<Desired> {
    absl::StatusOr<Desired> desired;
    if (git_events) {
      desired = git_events->LoadSeen(load_checked);
    } else {
      std::ostringstream errors;
      desired = load_checked(options.target.spec, errors);
      if (!desired.ok()) {
        return absl::InvalidArgumentError(errors.str().empty() ? std::string(desired.status().message())
                                                               : errors.str());
      }
      // Files a new spec names are watched from now on.
      if (absl::Status s = file_events->WatchFiles(model::FilesOfSpec(desired->spec)); !s.ok()) {
        return s;
      }
    }
    if (!desired.ok()) return desired;
    metrics.SpecReloaded();
    board.SpecReloaded();
    return desired;
  };
  metrics.Started(clock.Now(), watch.interval);
  absl::Status status = Watch(reconciler, events, clock, reload, watch, log_line);
  metrics.Stopped();
  if (server) server->Stop();
  log << stamp() << "stopped\n";
  return status.ok() ? 0 : 1;
}

}  // namespace reconcile::cli
