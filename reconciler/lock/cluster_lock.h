// One reconciler per cluster: an exclusive flock(2) on `<lock_dir>/<cluster>.lock`.
//
// The kernel holds the lock for the open file, so a holder that crashes or is
// killed releases it with its last descriptor: a leftover file never blocks
// anyone. The file itself is never deleted (unlinking a flock file races with a
// contender that has it open and would let two holders lock two inodes); it only
// names the current holder, for the refusal message and for operators who `cat`
// it. The descriptor is close-on-exec, so programs the holder execs do not
// inherit the lock; a plain fork() child does share it until it exits.
//
// Refusal is kFailedPrecondition, not kUnavailable: the holder may be a `watch`
// that keeps the lock for days, so retrying on a timer would only hide the
// conflict. The operator (or a caller that chooses to wait) decides.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "reconciler/lock/lock_holder.h"

namespace reconcile {

// Holds a cluster's lock until destroyed (or moved from).
class ClusterLock {
 public:
  // Takes the lock without waiting. `lock_dir` empty means DefaultLockDir()
  // (reconciler/lock/lock_dir.h); it is created mode 0700 when missing. Errors: kInvalidArgument for a cluster
  // name that is not a plain file name; kFailedPrecondition naming the holder
  // when another process (or another open in this one) holds the lock;
  // kPermissionDenied or kInternal when the directory or file cannot be used.
  static absl::StatusOr<ClusterLock> Acquire(std::string_view cluster,
                                             std::string_view lock_dir = {});
  // As above, recording `me` as the holder.
  static absl::StatusOr<ClusterLock> Acquire(std::string_view cluster, std::string_view lock_dir,
                                             const LockHolder& me);

  ClusterLock(ClusterLock&& other) noexcept;
  ClusterLock& operator=(ClusterLock&& other) noexcept;
  ClusterLock(const ClusterLock&) = delete;
  ClusterLock& operator=(const ClusterLock&) = delete;
  ~ClusterLock();

  const std::string& path() const { return path_; }
  bool held() const { return fd_ >= 0; }

 private:
  ClusterLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  void Release();

  int fd_ = -1;
  std::string path_;
};

}  // namespace reconcile
