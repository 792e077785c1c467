// Who holds a cluster's lock: the identity a holder writes into the lock file
// so that a refused contender can say whom it is waiting for.
#pragma once

#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace reconcile {

struct LockHolder {
  int pid = 0;
  std::string host;
  std::string command;
  absl::Time since = absl::UnixEpoch();

  // This process: getpid(), gethostname(), /proc/self/cmdline, now.
  static LockHolder ThisProcess();
};

// The lock file's text: `pid=`, `host=`, `command=` and `since=` lines (UTC,
// RFC 3339). Control characters in a field become spaces so each field stays
// on its own line.
std::string FormatLockHolder(const LockHolder& holder);

// Reads what FormatLockHolder wrote. Missing or malformed fields keep their
// defaults: a holder's file is empty for a moment while it is being written.
LockHolder ParseLockHolder(std::string_view text);

// "pid 4242 on host1 (reconcile watch specs/lab.yaml) since 2026-11-29T16:30:00Z";
// parts that are unknown are left out, and a holder with no pid is
// "a holder that has not written its name yet".
std::string DescribeLockHolder(const LockHolder& holder);

}  // namespace reconcile
