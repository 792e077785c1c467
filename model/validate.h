// Cross-reference checks over a decoded Spec: everything that needs more than
// one field at a time (references, cycles, derived node names, templates).
#pragma once

#include "model/diagnostics.h"
#include "model/spec.h"
#include "model/spec_sources.h"

namespace reconcile::model {

void ValidateSpec(const Spec& spec, const SpecSources& sources, Diagnostics& diagnostics);

// Template references in roles (part of ValidateSpec; model/validate_templates.cc).
void ValidateTemplates(const Spec& spec, const SpecSources& sources, Diagnostics& diagnostics);

// Hypervisor hosts: placement names, capacity (part of ValidateSpec;
// model/validate_hosts.cc).
void ValidateHosts(const Spec& spec, const SpecSources& sources, Diagnostics& diagnostics);
// Static NIC addresses: each node of a group gets a valid one, none shared
// (model/validate_machine.cc).
void ValidateMachines(const Spec& spec, Diagnostics& diagnostics);

}  // namespace reconcile::model
