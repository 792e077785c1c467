#include "cli/metrics/metrics_server.h"

#include <sys/socket.h>

#include <chrono>

#include "cli/metrics/status_page.h"
#include "fmt/format.h"
#include "httplib.h"

namespace reconcile::cli {

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const ListenAddress& address, const metrics::WatchMetrics& metrics, Clock& clock,
    const StatusBoard* board) {
  std::unique_ptr<MetricsServer> self(new MetricsServer());
  self->server_ = std::make_unique<httplib::Server>();
  httplib::Server& server = *self->server_;
  // Scrapes are rare and small: two workers, not one per core.
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  // httplib's default SO_REUSEPORT would let a second watch share the port
  // silently; SO_REUSEADDR alone still allows a quick restart.
  server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server.set_read_timeout(std::chrono::seconds(5));
  server.set_write_timeout(std::chrono::seconds(5));
  server.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics.Exposition(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server.Get("/healthz", [&metrics, &clock](const httplib::Request&, httplib::Response& response) {
    metrics::Health health = metrics.HealthAt(clock.Now());
    response.status = health.healthy ? 200 : 503;
    response.set_content(health.reason + "\n", "text/plain; charset=utf-8");
  });
  if (board != nullptr) {
    // The page's script is inline and it fetches only from this server.
    const httplib::Headers page_headers = {
        {"Content-Security-Policy",
         "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'"},
        {"X-Content-Type-Options", "nosniff"}};
    server.Get("/", [page_headers](const httplib::Request&, httplib::Response& response) {
      response.headers.insert(page_headers.begin(), page_headers.end());
      response.set_content(std::string(StatusPageHtml()), "text/html; charset=utf-8");
    });
    server.Get("/status.json", [board](const httplib::Request&, httplib::Response& response) {
      response.set_content(board->StatusJson(), "application/json");
    });
    server.Get("/history.json", [board](const httplib::Request&, httplib::Response& response) {
      response.set_content(board->HistoryJson(), "application/json");
    });
  }

  if (address.port == 0) {
    self->port_ = server.bind_to_any_port(address.host);
  } else if (server.bind_to_port(address.host, address.port)) {
    self->port_ = address.port;
  } else {
    self->port_ = -1;
  }
  if (self->port_ <= 0) {
    return absl::UnavailableError(
        fmt::format("--listen: cannot listen on {}:{} (address in use or not local?)", address.host,
                    address.port));
  }
  MetricsServer* raw = self.get();
  self->thread_ = std::thread([raw] {
    raw->server_->listen_after_bind();
    raw->listen_returned_.store(true);
  });
  return self;
}

void MetricsServer::Stop() {
  if (!thread_.joinable()) return;
  // httplib's stop() does nothing until the listen loop has started: wait for
  // it (bound socket, so this is at most a moment) rather than leak a thread.
  while (!server_->is_running() && !listen_returned_.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_->stop();
  thread_.join();
}

MetricsServer::~MetricsServer() { Stop(); }

}  // namespace reconcile::cli
