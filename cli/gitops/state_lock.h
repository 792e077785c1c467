// An exclusive flock(2) on a git source's state, held while a process
// fetches into the shared mirror, writes a commit out and loads it, or prunes
// the written-out commits: a `plan --git` beside a `watch --git` on the same
// state directory never reads a tree the watch is removing, and two fetches
// never race on the mirror's refs. Held for seconds at most, so it waits
// rather than refuses. Released when destroyed; the file is never deleted
// (see reconciler/lock/cluster_lock.h for why).
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace reconcile::cli {

class StateLock {
 public:
  // Waits for the lock on `path` (created mode 0600 when missing).
  static absl::StatusOr<StateLock> Take(const std::string& path);

  StateLock(StateLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  StateLock& operator=(StateLock&& other) noexcept;
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;
  ~StateLock();

 private:
  explicit StateLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace reconcile::cli
