// Process-wide libssh setup, done once before the first session.
#pragma once

namespace reconcile::drivers::ssh {

// Calls ssh_init() and routes libssh's own logging to spdlog at debug level,
// so the library never prints to stderr behind our back. Idempotent and
// thread-safe.
void EnsureLibsshInitialized();

}  // namespace reconcile::drivers::ssh
