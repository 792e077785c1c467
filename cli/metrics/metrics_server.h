// The HTTP side of `reconcile watch --listen`: GET /metrics (Prometheus text
// format 0.0.4), GET /healthz (200 "ok" / 503 and why) and, with a status
// board, the status page at / with /status.json and /history.json; served by
// cpp-httplib on threads of its own so a slow client never delays a pass.
#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "cli/metrics/listen_address.h"
#include "cli/metrics/status_board.h"
#include "reconciler/metrics/watch_metrics.h"

namespace httplib {
class Server;
}

namespace reconcile::cli {

class MetricsServer {
 public:
  // Binds `address` (port 0: any free port) and starts serving. Fails with
  // kUnavailable when the address cannot be bound (in use, not local).
  // `metrics`, `clock` and `board` must outlive the server; without a board
  // only /metrics and /healthz are served.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const ListenAddress& address,
                                                              const metrics::WatchMetrics& metrics,
                                                              Clock& clock,
                                                              const StatusBoard* board = nullptr);
  ~MetricsServer();  // stops
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }
  // Closes the listening socket and joins the server's threads. Idempotent.
  void Stop();

 private:
  MetricsServer() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};
  int port_ = 0;
};

}  // namespace reconcile::cli
