// Plans the renderer tests share: built by hand as values, the way the planner
// returns them, so the renderers are tested without running a planner.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/plan.h"

namespace reconcile::testing {

inline model::Action MakeAction(int id, model::ActionKind kind, std::string node, std::string role,
                                std::string reason, std::vector<int> depends_on = {},
                                bool restart = false) {
  return model::Action{.id = id,
                       .kind = kind,
                       .node = std::move(node),
                       .role = std::move(role),
                       .reason = std::move(reason),
                       .depends_on = std::move(depends_on),
                       .restart = restart};
}

// Every action kind, configures depending on the control plane's.
inline model::Plan MixedPlan() {
  using model::ActionKind;
  model::Plan plan;
  plan.actions = {
      MakeAction(0, ActionKind::kCreate, "lab-worker-3", "", "not found"),
      MakeAction(1, ActionKind::kStart, "lab-worker-2", "", "domain is shut off"),
      MakeAction(2, ActionKind::kUpdate, "lab-cp-1", "", "cpus 2 -> 4, memory 2048 MiB -> 4096 MiB",
                 {}, /*restart=*/true),
      MakeAction(3, ActionKind::kUpdate, "lab-db-1", "", "hardware definition changed"),
      MakeAction(4, ActionKind::kReplace, "lab-worker-1", "", "image changed"),
      MakeAction(5, ActionKind::kConfigure, "lab-cp-1", "control",
                 "role changed since it was applied", {2}),
      MakeAction(6, ActionKind::kConfigure, "lab-worker-3", "worker-join", "new node", {0, 5}),
      MakeAction(7, ActionKind::kConfigure, "lab-worker-1", "worker-join", "new node", {4, 5}),
      MakeAction(8, ActionKind::kDelete, "lab-worker-9", "", "no longer in the spec (prune is on)"),
  };
  return plan;
}

// A plan the operator must look at: an unmanaged collision, a held-back
// replacement, an orphan, and the actions that could still be planned.
inline model::Plan TroubledPlan() {
  using model::ActionKind;
  model::Plan plan;
  plan.actions = {
      MakeAction(0, ActionKind::kReplace, "lab-worker-1", "", "image changed"),
      MakeAction(1, ActionKind::kConfigure, "lab-worker-1", "worker-join", "new node", {0}),
  };
  plan.orphans = {"lab-worker-4"};
  plan.problems = {
      {"lab-db-1",
       "a domain named 'lab-db-1' exists that reconcile did not create; it is never touched: "
       "rename or remove it, or rename the group"},
      {"lab-worker-3", "role 'worker-join' waits for role 'control', which cannot be applied"},
  };
  plan.deferred = {
      {"lab-worker-2", "replacement waits: group 'worker' allows 1 unavailable at a time"},
  };
  return plan;
}

}  // namespace reconcile::testing
