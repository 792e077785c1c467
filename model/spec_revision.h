// The git commit behind the desired spec under `reconcile watch --git`: what
// status, the status page, /metrics and the log name. Commits are 40 hex
// digits; "" means none yet.
#pragma once

#include <string>

#include "absl/time/time.h"

namespace reconcile::model {

struct SpecRevision {
  std::string repo;
  std::string branch;
  std::string path;           // of the spec inside the repository
  std::string seen;           // the branch's tip at the last fetch that worked
  std::string desired;        // the commit the loop converges to now
  std::string applied;        // the last commit a pass found the cluster converged on
  std::string refused;        // the last commit refused since `desired` was taken
  std::string refused_error;  // why, with its located errors
  std::string fetch_error;    // the last fetch failed: why ("" when it worked)
  absl::Time last_fetch = absl::InfinitePast();  // last fetch that worked
};

// What just happened to the revision (for counters: refusals, failed fetches).
enum class RevisionEvent { kFetched, kFetchFailed, kTaken, kRefused, kApplied };

// The first 12 hex digits: what the log and messages show.
inline std::string ShortCommit(const std::string& commit) { return commit.substr(0, 12); }

}  // namespace reconcile::model
