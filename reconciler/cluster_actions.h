// The ActionRunner that acts on the real cluster through the driver
// interfaces: create/start/update/replace/delete through the Hypervisor,
// configure through the NodeShell.
//
// Configure runs a role's steps in order on the node. A NixOS step places its
// module and the imports file like files, then imports and rebuilds
// (reconciler/nixos_step.h). A step's files are
// always uploaded (atomically): they are declared state. Its command is
// skipped when its `check` exits 0, and fails the action when it exits
// non-zero (terminal: it will fail the same way until something changes). When
// every step succeeded, <state_dir>/roles/<role>.files records the digest of
// every uploaded file (the probe re-checks them with sha256sum -c, so a file
// edited on the node is drift) and <state_dir>/roles/<role>.hash the role's
// hash, last, so the next probe sees the role as applied (the paths:
// reconciler/node_state_paths.h). Role outputs a template needs are
// captured on the providing role's first node, once per pass.
//
// One ClusterActions lives for one pass: its caches (outputs, addresses) must
// not outlive what they describe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "drivers/hypervisor.h"
#include "drivers/node_shell.h"
#include "model/node.h"
#include "model/spec.h"
#include "model/template.h"
#include "reconciler/address_book.h"
#include "reconciler/executor.h"

namespace reconcile {

struct ClusterActionsOptions {
  std::string authorized_key;  // operator's public key line, for new nodes' seeds
  std::string authorized_key_problem;  // why `authorized_key` is empty, when it is
  std::string state_dir = "/var/lib/reconcile";
  absl::Duration boot_timeout = absl::Minutes(3);  // waiting for a new node's address
  absl::Duration shutdown_grace = absl::Seconds(60);
};

class ClusterActions final : public ActionRunner {
 public:
  ClusterActions(const model::Spec& spec, const std::vector<model::Node>& nodes,
                 drivers::Hypervisor& hypervisor, drivers::NodeShell& shell,
                 AddressBook& addresses, ClusterActionsOptions options, Clock& clock);

  absl::Status Run(const model::Action& action, absl::Time deadline) override;

  // Outputs already taken in this pass (by Observe): OutputsOf returns these
  // instead of running the commands again.
  void UseOutputs(const std::map<std::string, std::map<std::string, std::string>>& outputs);

  // Secret values seen so far (secret vars, secret outputs): every message this
  // class returns has them replaced by "<secret>".
  std::vector<std::string> Secrets() const;

 private:
  // kCreateNetwork, kDeleteNetwork: on the action's host.
  absl::Status RunNetwork(const model::Action& action);
  const model::Node* FindNode(const std::string& name) const;
  // `host` is the action's host; empty for a one-host spec.
  drivers::NodeRequest RequestFor(const model::Node& node, const std::string& host) const;
  // Everything a create of `node` on `host` needs (operator key, and the
  // driver's CheckCreate), checked before anything is created or deleted.
  absl::Status CheckCreatable(const model::Node& node, const std::string& host);
  absl::Status Create(const model::Node& node, const std::string& host);
  absl::Status Update(const model::Action& action, const model::Node& node);
  absl::Status Configure(const model::Node& node, const std::string& role, absl::Time deadline);
  // `mkdir -p` of the directories the step's files go into, in one command.
  absl::Status MakeParentDirectories(const drivers::SshTarget& target, const model::Node& node,
                                     const std::string& step,
                                     const std::vector<model::FileSpec>& files,
                                     absl::Time deadline);
  // A NixOS step once its files are placed: import ./reconcile, rebuild
  // (reconciler/nixos_step.h).
  absl::Status RunNixos(const drivers::SshTarget& target, const std::string& what,
                        const model::NixosSpec& nixos, absl::Time deadline);
  absl::Status RecordApplied(const drivers::SshTarget& target, const model::Node& node,
                             const std::string& role, const std::string& file_digests,
                             absl::Time deadline);
  absl::StatusOr<model::RenderContext> ContextFor(const model::Node& node,
                                                  const model::RoleSpec& role,
                                                  const std::string& address, absl::Time deadline);
  // A role's outputs, captured at most once per pass (concurrent callers
  // wait for the first), and recorded on the provider for Observe.
  absl::StatusOr<std::map<std::string, std::string>> OutputsOf(const std::string& role,
                                                               absl::Time deadline);
  absl::StatusOr<std::map<std::string, std::string>> CaptureOutputs(const std::string& role,
                                                                    absl::Time deadline);
  absl::Status Redacted(absl::Status status) const;
  absl::Duration Until(absl::Time deadline) { return deadline - clock_.Now(); }

  const model::Spec& spec_;
  const std::vector<model::Node>& nodes_;
  drivers::Hypervisor& hypervisor_;
  drivers::NodeShell& shell_;
  AddressBook& addresses_;
  const ClusterActionsOptions options_;
  Clock& clock_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::map<std::string, std::string>> outputs_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> capturing_ ABSL_GUARDED_BY(mu_);  // roles whose outputs run now
  std::vector<std::string> secrets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reconcile
