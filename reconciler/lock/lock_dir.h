// Where cluster lock files live, and making sure that place is ours.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace reconcile {

// The inputs of the choice, injected so it is testable.
struct LockDirEnvironment {
  std::string reconcile_lock_dir;  // $RECONCILE_LOCK_DIR ("" when unset)
  std::string xdg_runtime_dir;     // $XDG_RUNTIME_DIR ("" when unset)
  unsigned uid = 0;
  // /run/lock/reconcile exists and is writable, or /run/lock lets us create it.
  bool run_lock_usable = false;
};

inline constexpr std::string_view kSystemLockDir = "/run/lock/reconcile";

// $RECONCILE_LOCK_DIR, else /run/lock/reconcile, else $XDG_RUNTIME_DIR/reconcile,
// else /tmp/reconcile-<uid>.
std::string ChooseLockDir(const LockDirEnvironment& env);

// ChooseLockDir for this process.
std::string DefaultLockDir();

// Creates `dir` with mode 0700 (its parent must exist: kFailedPrecondition
// naming it otherwise), or checks the existing one: it must be a directory owned by this user or by root, so that nobody
// else can pre-create a shared path like /tmp/reconcile-<uid> and control the
// lock files in it. kPermissionDenied or kFailedPrecondition otherwise.
absl::Status EnsureLockDir(const std::string& dir);

}  // namespace reconcile
