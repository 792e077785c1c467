// What `reconcile watch --listen` shows at / and its JSON endpoints: the
// status document of the last pass (`status --json`'s, docs/status-json.md),
// the last passes with their actions and outcomes, and the drift corrected
// since the cluster first converged. The loop records; HTTP threads read
// copies of strings made once per pass, so a slow client holds the lock for a
// copy and never a pass.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "model/node.h"
#include "nlohmann/json.hpp"
#include "model/spec.h"
#include "model/spec_revision.h"
#include "reconciler/reconciler.h"
#include "reconciler/watch.h"

namespace reconcile::cli {

class StatusBoard {
 public:
  static constexpr size_t kPassesKept = 20;
  static constexpr size_t kDriftKept = 100;

  // After each pass; `result` is null when the pass could not run.
  void PassDone(const PassSummary& summary, const PassResult* result, const model::Spec& spec,
                const std::vector<model::Node>& nodes, absl::Time now);

  // A new spec was loaded: what the next passes do is applying it, not
  // correcting drift, until the cluster converges again (as the metrics).
  void SpecReloaded() { converged_once_ = false; }

  // --git: the commits seen, desired, applied and refused, served as the
  // status document's "revision" (docs/status-json.md).
  void RevisionChanged(const model::SpecRevision& revision);

  // `status --json`'s document as of the last pass ("{}" before the first).
  std::string StatusJson() const;
  // {"passes": [...newest first], "drift": [...newest first]}.
  std::string HistoryJson() const;

 private:
  mutable absl::Mutex mu_;
  std::string status_json_ ABSL_GUARDED_BY(mu_) = "{}\n";
  std::string history_json_ ABSL_GUARDED_BY(mu_) = "{\"passes\": [], \"drift\": []}\n";
  std::string Served() const;  // the base document, with the revision when there is one

  // Kept by the loop's thread only (PassDone, SpecReloaded, RevisionChanged).
  nlohmann::ordered_json base_status_ = nlohmann::ordered_json::object();
  std::optional<model::SpecRevision> revision_;
  std::deque<std::string> passes_;  // one JSON object each, newest first
  std::deque<std::string> drift_;
  bool converged_once_ = false;
};

}  // namespace reconcile::cli
