// Specs, nodes and observed worlds shared by the planner's tests
// (planner_test.cc, planner_rollout_test.cc), and SimulateApply, which plays a
// plan's effects on an observed state the way a successful apply would.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/observed.h"
#include "model/plan.h"
#include "model/spec.h"
#include "tests/testing/nodes.h"

namespace reconcile {

// A spec with a control plane whose output the workers need: the shape of the
// Kubernetes and SLURM recipes.
inline model::Spec TwoTierSpec(bool prune = false) {
  model::Spec spec;
  spec.cluster = "lab";
  spec.roles = {{.name = "control"}, {.name = "worker", .after = {"control"}}};
  spec.groups = {{.name = "cp", .count = 1, .image = "tiny", .roles = {"control"}},
                 {.name = "wk", .count = 2, .image = "tiny", .roles = {"worker"}}};
  spec.policy.prune = prune;
  return spec;
}

inline std::vector<model::Node> TwoTierNodes() {
  return {testing::TestNode("cp", 1, {"control"}), testing::TestNode("wk", 1, {"worker"}),
          testing::TestNode("wk", 2, {"worker"})};
}

inline model::ObservedDomain OwnedDomain(const model::Node& node) {
  return model::ObservedDomain{.name = node.name, .managed = true, .cluster = "lab",
                        .group = node.group, .index = node.index,
                        .hardware_hash = node.hardware_hash, .image_hash = node.image_hash,
                        .state = model::DomainState::kRunning, .vcpus = node.cpus,
                        .memory_bytes = node.memory_bytes};
}

inline model::NodeProbe ConvergedProbe(const model::Node& node) {
  model::NodeProbe probe;
  probe.address = "10.0.0.1";
  for (const auto& [role, hash] : node.role_hashes) {
    probe.applied_roles[role] = hash;
    probe.checks_pass[role] = true;
  }
  return probe;
}

inline model::ObservedState Converged(const std::vector<model::Node>& nodes) {
  model::ObservedState observed;
  for (const model::Node& node : nodes) {
    if (!node.existing) observed.domains.push_back(OwnedDomain(node));
    observed.probes[node.name] = ConvergedProbe(node);
  }
  return observed;
}

inline model::ObservedDomain& DomainOf(model::ObservedState& observed, const std::string& name) {
  return *std::find_if(observed.domains.begin(), observed.domains.end(),
                       [&](const model::ObservedDomain& d) { return d.name == name; });
}

// "create lab-cp-1", "configure lab-wk-1 worker": compact, order-preserving.
inline std::vector<std::string> Summary(const model::Plan& plan) {
  std::vector<std::string> out;
  for (const model::Action& a : plan.actions) {
    std::string line = std::string(model::ActionKindName(a.kind)) + " " + a.node;
    if (!a.role.empty()) line += " " + a.role;
    out.push_back(line);
  }
  return out;
}

const model::Action& Find(const model::Plan& plan, model::ActionKind kind, const std::string& node,
                          const std::string& role = "") {
  auto it = std::find_if(plan.actions.begin(), plan.actions.end(), [&](const model::Action& a) {
    return a.kind == kind && a.node == node && a.role == role;
  });
  EXPECT_NE(it, plan.actions.end()) << "no " << model::ActionKindName(kind) << " " << node;
  return *it;
}

// Plays a plan against observed state the way a successful apply would.
inline void SimulateApply(const model::Plan& plan, const std::vector<model::Node>& nodes, model::ObservedState& observed) {
  auto node_of = [&](const std::string& name) {
    return *std::find_if(nodes.begin(), nodes.end(), [&](const model::Node& n) { return n.name == name; });
  };
  for (const model::Action& a : plan.actions) {
    switch (a.kind) {
      case model::ActionKind::kCreate:
      case model::ActionKind::kReplace:
        std::erase_if(observed.domains, [&](const model::ObservedDomain& d) { return d.name == a.node; });
        observed.domains.push_back(OwnedDomain(node_of(a.node)));
        observed.probes[a.node] = model::NodeProbe{.address = "10.0.0.9"};
        break;
      case model::ActionKind::kStart:
        DomainOf(observed, a.node).state = model::DomainState::kRunning;
        break;
      case model::ActionKind::kUpdate: {
        model::ObservedDomain& d = DomainOf(observed, a.node);
        d.hardware_hash = node_of(a.node).hardware_hash;
        d.vcpus = node_of(a.node).cpus;
        d.memory_bytes = node_of(a.node).memory_bytes;
        break;
      }
      case model::ActionKind::kConfigure:
        observed.probes[a.node].status = absl::OkStatus();
        observed.probes[a.node].applied_roles[a.role] = node_of(a.node).role_hashes.at(a.role);
        observed.probes[a.node].checks_pass[a.role] = true;
        break;
      case model::ActionKind::kDelete:
        std::erase_if(observed.domains, [&](const model::ObservedDomain& d) { return d.name == a.node; });
        observed.probes.erase(a.node);
        break;
      case model::ActionKind::kCreateNetwork:
      case model::ActionKind::kDeleteNetwork:
        break;  // tests/reconciler/network_plan_test.cc plays these
    }
  }
}

inline void ExpectDependenciesComeFirst(const model::Plan& plan) {
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    EXPECT_EQ(plan.actions[i].id, static_cast<int>(i));
    for (int dep : plan.actions[i].depends_on) EXPECT_LT(dep, plan.actions[i].id);
  }
}

}  // namespace reconcile
