// Asking the operator before a plan deletes or replaces machines.
//
// On a terminal, `apply` and `destroy` show the plan and wait for "yes" before
// the first delete or replace runs; `--yes` approves in advance. A later pass
// asks again only for a machine not approved before (a retry of the same
// delete is not a new decision).
#pragma once

#include <istream>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "model/plan.h"

namespace reconcile::cli {

// The plan's deletes and replaces, as "delete web-1" / "replace web-2", in
// plan order: what the operator is asked to approve.
std::vector<std::string> DestructiveChanges(const model::Plan& plan);

// True when stdin and stdout are both terminals: someone can answer.
bool Interactive();

class Approval {
 public:
  // `ask` false approves everything (--yes, or apply without a terminal).
  Approval(bool ask, std::istream& in, std::ostream& out) : ask_(ask), in_(in), out_(out) {}

  // OK when nothing destructive is new or the operator typed "yes";
  // kCancelled (naming what was declined) otherwise, also at end of input.
  absl::Status Approve(const model::Plan& plan);

 private:
  bool ask_;
  std::istream& in_;
  std::ostream& out_;
  std::set<std::string> approved_;
};

}  // namespace reconcile::cli
