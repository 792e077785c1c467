// What a pass does about the networks the spec creates (`create_network`),
// decided from the spec and the hosts' listed networks alone (pure). The
// planner (reconciler/planner.cc) turns the decisions into actions: creates
// first, with every machine action that needs the network after them;
// deletes last, after the deletes of the domains on that host.
//
// Per host and created network:
//   absent                     -> create (unless its subnet overlaps another
//                                 network of the host: a problem)
//   owned, active, same subnet -> nothing
//   owned, not active          -> create (starts it again)
//   owned, another subnet      -> problem (never changed under its nodes)
//   not owned                  -> problem (never touched)
// An owned network that left the spec (no `create_network` entry and no
// node of the spec joining it): deleted when `policy.prune` is on, else an
// orphan. A host whose networks could not be listed: a problem when
// it has networks to create.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/node.h"
#include "model/observed.h"
#include "model/plan.h"
#include "model/spec.h"

namespace reconcile {

struct NetworkChange {
  std::string host;  // spec name
  std::string network;
  std::string reason;
};

struct NetworkPlan {
  std::vector<NetworkChange> creates;
  std::vector<NetworkChange> deletes;
  std::vector<model::PlanProblem> problems;
  std::vector<std::string> orphans;  // "<network> on <host>" or "<network>" for one host
  // (host, network): created networks that will not be usable in this pass;
  // a node that needs one is not created, started or restarted.
  std::set<std::pair<std::string, std::string>> unusable;
};

// `nodes` is the spec's expansion.
NetworkPlan PlanNetworks(const model::Spec& spec, const std::vector<model::Node>& nodes,
                         const model::ObservedState& observed);

}  // namespace reconcile
