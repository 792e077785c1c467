#include "drivers/ssh/libssh_init.h"

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace reconcile::drivers::ssh {
namespace {

void ForwardLibsshLog(int priority, const char* function, const char* message, void*) {
  spdlog::debug("libssh[{}] {}: {}", priority, function ? function : "", message ? message : "");
}

}  // namespace

void EnsureLibsshInitialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    ssh_init();
    ssh_set_log_callback(ForwardLibsshLog);
    ssh_set_log_level(SSH_LOG_WARNING);
  });
}

}  // namespace reconcile::drivers::ssh
