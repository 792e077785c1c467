// Observe: one pass's view of the world. Lists every domain, then probes each
// node that should answer (our running domains and existing machines) over
// SSH in parallel. An unreachable node is an observed fact (its probe carries
// the error); only a hypervisor that cannot be listed fails the pass.
#pragma once

#include <map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "drivers/hypervisor.h"
#include "drivers/node_shell.h"
#include "model/node.h"
#include "model/observed.h"
#include "model/spec.h"
#include "reconciler/address_book.h"
#include "reconciler/host_set.h"

namespace reconcile {

struct ObserveOptions {
  int parallel = 16;  // probes in flight at once
  // How long to wait for a running domain's address; short, since a node that
  // is still booting is simply "not reachable yet" for this pass.
  absl::Duration address_timeout = absl::Seconds(2);
  absl::Duration probe_timeout = absl::Seconds(30);
  std::string state_dir = "/var/lib/reconcile";
  // Role outputs that dependants' checks need: null (a plan, a status) reads
  // what each provider recorded when it last gave them, so observing runs no
  // output command on any node; non-null (an apply pass) runs them, records
  // them on the provider and hands them here, for the pass's configures to
  // reuse (each output runs at most once per pass).
  std::map<std::string, std::map<std::string, std::string>>* outputs_run = nullptr;
};

// Role name -> output name -> value.
using RoleOutputs = std::map<std::string, std::map<std::string, std::string>>;

// The probe for `node`: its roles' recorded hashes and every step's check.
// `outputs` are the role outputs Observe could take from running providers;
// a check that still cannot be rendered (it needs an output nobody can give
// yet) is reported as failing, so the role is configured and the check runs then.
drivers::ProbeRequest BuildProbeRequest(const model::Spec& spec,
                                        const std::vector<model::Node>& nodes,
                                        const model::Node& node, const std::string& address,
                                        const std::string& state_dir,
                                        std::vector<std::string>* unrenderable_roles,
                                        const RoleOutputs& outputs = {});

// One host: the spec's first (for a one-host spec, its only) host.
absl::StatusOr<model::ObservedState> Observe(const model::Spec& spec,
                                             const std::vector<model::Node>& nodes,
                                             drivers::Hypervisor& hypervisor,
                                             drivers::NodeShell& shell, AddressBook& addresses,
                                             const ObserveOptions& options, Clock& clock);

// Several hosts: a host that cannot be listed is recorded in
// `unreachable_hosts` and the others are observed; the pass fails only when
// no host could be listed. Each domain carries the host it was found on.
absl::StatusOr<model::ObservedState> Observe(const model::Spec& spec,
                                             const std::vector<model::Node>& nodes,
                                             HostSet& hosts, drivers::NodeShell& shell,
                                             AddressBook& addresses,
                                             const ObserveOptions& options, Clock& clock);

}  // namespace reconcile
