#include "cli/watch_command.h"

#include <unistd.h>

#include "absl/time/clock.h"
#include "base/clock.h"
#include "cli/cluster_session.h"
#include "cli/metrics/metrics_server.h"
#include "cli/progress.h"
#include "cli/progress_ticker.h"
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
  absl::StatusOr<std::unique_ptr<SpecFileEvents>> events = SpecFileEvents::Create(options.target.spec);
  if (!events.ok()) {
    log << "reconcile: " << events.status().message() << "\n";
    return 1;
  }
  // The files the spec names are part of it: an edited module is a change.
  if (absl::Status s = (*events)->WatchFiles(model::FilesOfSpec(spec)); !s.ok()) {
    log << "reconcile: " << s.message() << "\n";
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
  log << stamp() << "watching " << options.target.spec << " (cluster " << spec.cluster
      << ", drift check every " << absl::FormatDuration(watch.interval) << ")\n";
  if (server) {
    log << stamp() << "serving the status page (/), /status.json, /metrics and /healthz on "
        << options.listen->host << ":" << server->port() << "\n";
  }
  log << std::flush;
  watch.on_pass_done = [&](const PassSummary& summary, const PassResult* result) {
    metrics.PassDone(summary, result, reconciler.nodes(), clock.Now());
    if (server) board.PassDone(summary, result, reconciler.spec(), reconciler.nodes(), clock.Now());
  };
  std::ostringstream reload_errors;
  auto reload = [&]() -> absl::StatusOr<Desired> {
    reload_errors.str("");
    absl::StatusOr<Desired> desired = LoadDesired(options.target.spec, options.target.connect, reload_errors);
    if (!desired.ok()) return absl::InvalidArgumentError(reload_errors.str());
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
    // Files a new spec names are watched from now on.
    if (absl::Status s = (*events)->WatchFiles(model::FilesOfSpec(desired->spec)); !s.ok()) {
      return s;
    }
    metrics.SpecReloaded();
    board.SpecReloaded();
    return desired;
  };
  metrics.Started(clock.Now(), watch.interval);
  // One log line per line: a problem's message or a pass error may carry a
  // node's or a driver's newlines and control characters.
  absl::Status status = Watch(reconciler, **events, clock, reload, watch, [&](const std::string& line) {
    ticker.Print(stamp() + render::TerminalSafe(line));
  });
  metrics.Stopped();
  if (server) server->Stop();
  log << stamp() << "stopped\n";
  return status.ok() ? 0 : 1;
}

}  // namespace reconcile::cli
