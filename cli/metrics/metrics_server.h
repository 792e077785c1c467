// The HTTP side of `reconcile watch --listen`: GET /metrics (Prometheus text
// format 0.0.4) and GET /healthz (200 "ok" / 503 and why), served by
// cpp-httplib on threads of its own so a slow scrape never delays a pass.
#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "cli/metrics/listen_address.h"
#include "reconciler/metrics/watch_metrics.h"

namespace httplib {
class Server;
}

namespace reconcile::cli {

class MetricsServer {
 public:
  // Binds `address` (port 0: any free port) and starts serving. Fails with
  // kUnavailable when the address cannot be bound (in use, not local).
  // `metrics` and `clock` must outlive the server.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const ListenAddress& address,
                                                              const metrics::WatchMetrics& metrics,
                                                              Clock& clock);
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
