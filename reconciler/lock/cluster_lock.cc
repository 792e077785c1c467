#include "reconciler/lock/cluster_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <utility>

#include "fmt/format.h"
#include "reconciler/lock/lock_dir.h"

namespace reconcile {
namespace {

// The name becomes a file name: one path component, nothing hidden or odd.
absl::Status CheckClusterName(std::string_view cluster) {
  if (cluster.empty()) return absl::InvalidArgumentError("cannot lock a cluster with an empty name");
  if (cluster.size() > 200) {
    return absl::InvalidArgumentError(
        fmt::format("cluster name is too long to lock ({} bytes; at most 200)", cluster.size()));
  }
  for (char c : cluster) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError("cannot lock a cluster whose name has a control character");
    }
  }
  if (cluster.find('/') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        fmt::format("cannot lock cluster '{}': a cluster name is one file name, without '/'", cluster));
  }
  if (cluster.front() == '.') {
    return absl::InvalidArgumentError(
        fmt::format("cannot lock cluster '{}': the name must not start with '.'", cluster));
  }
  return absl::OkStatus();
}

absl::Status FileError(std::string_view what, const std::string& path, int err) {
  std::string message = fmt::format("{} {}: {}", what, path, std::strerror(err));
  if (err == EACCES || err == EPERM || err == EROFS) return absl::PermissionDeniedError(message);
  return absl::InternalError(message);
}

std::string ReadSmallFile(int fd) {
  std::string text(4096, '\0');
  ssize_t n;
  do {
    n = pread(fd, text.data(), text.size(), 0);
  } while (n < 0 && errno == EINTR);
  text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return text;
}

absl::Status WriteHolder(int fd, const LockHolder& me, const std::string& path) {
  const std::string text = FormatLockHolder(me);
  if (ftruncate(fd, 0) != 0) return FileError("cannot write lock file", path, errno);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return FileError("cannot write lock file", path, n < 0 ? errno : EIO);
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

// Takes the flock on an open lock file, or says who holds it.
absl::Status LockOpenFile(int fd, std::string_view cluster, const std::string& path) {
  struct stat st;
  if (fstat(fd, &st) != 0) return FileError("cannot inspect lock file", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(fmt::format("lock file {} is not a regular file", path));
  }
  int rc;
  do {
    rc = flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return absl::OkStatus();
  if (errno != EWOULDBLOCK) return FileError("cannot lock", path, errno);
  const LockHolder holder = ParseLockHolder(ReadSmallFile(fd));
  return absl::FailedPreconditionError(fmt::format("cluster '{}' is locked by {}; lock file {}",
                                                   cluster, DescribeLockHolder(holder), path));
}

}  // namespace

absl::StatusOr<ClusterLock> ClusterLock::Acquire(std::string_view cluster,
                                                 std::string_view lock_dir) {
  return Acquire(cluster, lock_dir, LockHolder::ThisProcess());
}

absl::StatusOr<ClusterLock> ClusterLock::Acquire(std::string_view cluster,
                                                 std::string_view lock_dir, const LockHolder& me) {
  if (absl::Status s = CheckClusterName(cluster); !s.ok()) return s;
  const std::string dir = lock_dir.empty() ? DefaultLockDir() : std::string(lock_dir);
  if (absl::Status s = EnsureLockDir(dir); !s.ok()) return s;
  const std::string path = fmt::format("{}/{}.lock", dir, cluster);

  // O_NOFOLLOW: a symlink planted at the lock path must not redirect our writes.
  int fd;
  do {
    fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0 && errno == ELOOP) {
    return absl::FailedPreconditionError(
        fmt::format("lock file {} is a symbolic link; refusing to use it", path));
  }
  if (fd < 0) return FileError("cannot open lock file", path, errno);
  // Until the flock is ours, failing only closes the file: its content is the
  // holder's.
  absl::Status locked = LockOpenFile(fd, cluster, path);
  if (!locked.ok()) {
    close(fd);
    return locked;
  }
  ClusterLock lock(fd, path);  // from here, releasing also empties the file
  if (absl::Status s = WriteHolder(fd, me, path); !s.ok()) return s;
  return lock;
}

ClusterLock::ClusterLock(ClusterLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

ClusterLock& ClusterLock::operator=(ClusterLock&& other) noexcept {
  if (this != &other) {
    Release();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

ClusterLock::~ClusterLock() { Release(); }

void ClusterLock::Release() {
  if (fd_ < 0) return;
  // Still holding the lock: nobody else can be writing their name meanwhile.
  // Emptying the file keeps `cat` from naming a holder that has left.
  (void)ftruncate(fd_, 0);
  close(fd_);  // releases the flock
  fd_ = -1;
}

}  // namespace reconcile
