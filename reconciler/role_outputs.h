// A role's outputs (`outputs:` commands run on the first node that has the
// role), shared by Configure, which templates them into dependants' files and
// commands, and Observe, which needs them to evaluate dependants' checks.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "drivers/node_shell.h"
#include "model/node.h"
#include "model/spec.h"

namespace reconcile {

// The node whose outputs stand for `role`: the first node that has it.
const model::Node* OutputProvider(const std::vector<model::Node>& nodes, const std::string& role);

// Runs `role`'s output commands on `provider` at `target`; values without the
// trailing newline. A failing command is kUnavailable and never quotes the
// value (it may be a secret).
absl::StatusOr<std::map<std::string, std::string>> RunRoleOutputs(
    const model::Spec& spec, const std::vector<model::Node>& nodes, const model::RoleSpec& role,
    const model::Node& provider, const drivers::SshTarget& target, drivers::NodeShell& shell,
    absl::Time deadline);

// The content of the provider's record of them (RecordedOutputsPath in
// reconciler/node_state_paths.h), and back: one "name<TAB>base64(value)" line
// each.
std::string EncodeOutputs(const std::map<std::string, std::string>& values);
absl::StatusOr<std::map<std::string, std::string>> DecodeOutputs(std::string_view text);

// The roles whose outputs `role`'s step checks reference.
std::vector<std::string> RolesReferencedByChecks(const model::RoleSpec& role);

}  // namespace reconcile
