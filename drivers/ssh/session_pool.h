// Sessions keyed by node, kept open across calls and passes.
//
// Each node has one slot holding at most one live session; a Lease locks the
// slot, so a session is only ever used by one thread (libssh sessions are not
// thread-safe) while different nodes proceed in parallel. A slot re-dials when
// it has no session, when the target changed (new address or keys) or when
// the session was marked unhealthy.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "drivers/node_shell.h"
#include "drivers/ssh/ssh_session.h"

namespace reconcile::drivers::ssh {

class SessionPool {
  struct Slot {
    std::mutex mu;
    SshTarget target;
    std::unique_ptr<SshSession> session;
  };

 public:
  // Exclusive use of one node's session until destroyed; an unhealthy
  // session is dropped when its lease ends.
  class Lease {
   public:
    Lease(Lease&&) = default;
    ~Lease();
    SshSession& operator*() const { return *slot_->session; }
    SshSession* operator->() const { return slot_->session.get(); }
    // True when the session was dialled for an earlier call: it may have died
    // while idle, so a failure before the request reached the node is retried.
    bool reused() const { return reused_; }
    // Replaces the session with a fresh one.
    absl::Status Redial(SessionPool& pool, absl::Time deadline);

   private:
    friend class SessionPool;
    Lease(Slot* slot, std::unique_lock<std::mutex> lock, bool reused)
        : slot_(slot), lock_(std::move(lock)), reused_(reused) {}
    Slot* slot_;
    std::unique_lock<std::mutex> lock_;
    bool reused_;
  };

  // Returns the node's session, dialling one if needed (bounded by deadline).
  absl::StatusOr<Lease> Acquire(const SshTarget& target, absl::Time deadline);

  // Closes every idle session (a session in use is closed when released).
  void CloseAll();

  size_t dials() const { return dials_.load(); }  // connections opened so far
  size_t open_sessions();

 private:
  absl::Status Dial(Slot& slot, const SshTarget& target, absl::Time deadline);

  std::mutex mu_;  // guards slots_ (the map, not the slots)
  std::map<std::string, std::unique_ptr<Slot>> slots_;
  std::atomic<size_t> dials_{0};
};

}  // namespace reconcile::drivers::ssh
