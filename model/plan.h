// A Plan is a value: the ordered actions that take the observed cluster to the
// desired one, with the dependencies between them. Reasons are for display
// only; nothing during execution decides on them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace reconcile::model {

enum class ActionKind {
  kCreate,     // define storage + domain, start it
  kStart,      // start (or resume) an owned domain that is not running
  kUpdate,     // change the definition in place (restart when `restart`)
  kReplace,    // delete then create: the image changed
  kConfigure,  // apply one role's steps on a node
  kDelete,     // destroy + undefine + remove the volumes it created
  kCreateNetwork,  // define and start a network of `create_network` (or start it again)
  kDeleteNetwork,  // stop and undefine an owned network that left the spec
};

// "create", "configure", ... as used in JSON and logs.
std::string_view ActionKindName(ActionKind kind);
// "+", "~", "-/+", "-" as shown in the human plan.
std::string_view ActionKindSymbol(ActionKind kind);

struct Action {
  int id = 0;  // index into Plan::actions
  ActionKind kind = ActionKind::kCreate;
  std::string node;    // empty for a network action
  std::string network;  // kCreateNetwork, kDeleteNetwork only
  std::string role;    // kConfigure only
  std::string reason;  // for display
  std::vector<int> depends_on;  // ids of actions that must succeed first
  bool restart = false;         // kUpdate: takes effect only after a restart
  // The hypervisor host a machine action (all but kConfigure) runs on; set
  // when the spec names several hosts, empty for a one-host spec.
  std::string host;
};

// Something the planner refuses to act on, shown to the operator.
struct PlanProblem {
  std::string node;  // empty for a problem of a whole host
  std::string message;
  std::string host;  // the hypervisor host it concerns, when one does
};

struct Plan {
  std::vector<Action> actions;
  // Owned domains that left the spec while `policy.prune` is off.
  std::vector<std::string> orphans;
  // Owned networks that left the spec while `policy.prune` is off.
  std::vector<std::string> orphan_networks;
  // Nodes the planner will not touch, and why (e.g. an unmanaged domain holds
  // the name). A plan with problems still carries every action it can.
  std::vector<PlanProblem> problems;
  // Disruptive changes held back for a later pass by a group's
  // `max_unavailable` budget (the message says which).
  std::vector<PlanProblem> deferred;

  bool converged() const { return actions.empty() && problems.empty() && deferred.empty(); }
};

}  // namespace reconcile::model
