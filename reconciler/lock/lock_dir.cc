#include "reconciler/lock/lock_dir.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "fmt/format.h"

namespace reconcile {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::string Parent(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool RunLockUsable() {
  const std::string dir(kSystemLockDir);
  if (access(dir.c_str(), W_OK | X_OK) == 0) return true;
  struct stat st;
  return stat(dir.c_str(), &st) != 0 && errno == ENOENT &&
         access(Parent(dir).c_str(), W_OK | X_OK) == 0;
}

absl::Status Errno(std::string_view what, const std::string& path, int err) {
  std::string message = fmt::format("{} {}: {}", what, path, std::strerror(err));
  if (err == EACCES || err == EPERM || err == EROFS) return absl::PermissionDeniedError(message);
  return absl::InternalError(message);
}

// Only the last component: a missing parent is more likely a typo in
// --lock-dir than a tree to create, and two reconcilers agreeing on a lock
// only works when both name the same existing place.
absl::Status MakeDir(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) return absl::OkStatus();
  if (errno != ENOENT) return Errno("cannot inspect lock directory", dir, errno);
  const std::string parent = Parent(dir);
  if (stat(parent.c_str(), &st) != 0) {
    return absl::FailedPreconditionError(fmt::format(
        "lock directory {}: its parent {} does not exist (create it, or choose another "
        "lock directory)",
        dir, parent));
  }
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Errno("cannot create lock directory", dir, errno);
  }
  return absl::OkStatus();
}

}  // namespace

std::string ChooseLockDir(const LockDirEnvironment& env) {
  if (!env.reconcile_lock_dir.empty()) return env.reconcile_lock_dir;
  if (env.run_lock_usable) return std::string(kSystemLockDir);
  if (!env.xdg_runtime_dir.empty()) return env.xdg_runtime_dir + "/reconcile";
  return fmt::format("/tmp/reconcile-{}", env.uid);
}

std::string DefaultLockDir() {
  return ChooseLockDir({.reconcile_lock_dir = Env("RECONCILE_LOCK_DIR"),
                        .xdg_runtime_dir = Env("XDG_RUNTIME_DIR"),
                        .uid = static_cast<unsigned>(geteuid()),
                        .run_lock_usable = RunLockUsable()});
}

absl::Status EnsureLockDir(const std::string& dir) {
  if (dir.empty()) return absl::InvalidArgumentError("lock directory is empty");
  if (absl::Status s = MakeDir(dir); !s.ok()) return s;
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) return Errno("cannot inspect lock directory", dir, errno);
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        fmt::format("lock directory {} exists but is not a directory", dir));
  }
  if (st.st_uid != geteuid() && st.st_uid != 0) {
    return absl::PermissionDeniedError(fmt::format(
        "lock directory {} belongs to uid {}, not to this user (uid {}); set "
        "RECONCILE_LOCK_DIR to a directory of your own",
        dir, st.st_uid, geteuid()));
  }
  return absl::OkStatus();
}

}  // namespace reconcile
