// The probe: one shell script per node per pass, and the parser of its output.
//
// Both are pure functions so they are tested with values alone. The script
// prints sections introduced by a delimiter line carrying a per-probe nonce, so
// nothing a node prints (a hash file, a hostname) can be mistaken for one:
//
//   \n<D> host\n<hostname>      \n<D> boot\n<boot id>   \n<D> uptime\n<secs>
//   \n<D> role <i>\n<hash>      (only when roles/<role>.hash exists)
//   \n<D> check <i> <status>    \n<D> end
//
// Roles and checks are referred to by index in the output, never by name, and
// every name or command is single-quoted in the script; each check runs in
// its own subshell.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "drivers/node_shell.h"

namespace reconcile::drivers::ssh {

// Builds the probe script. `nonce` makes the delimiter unique (letters and
// digits only, at least 8). Fails on a role name that is not a single path
// component (empty, ".", "..", containing '/' or NUL).
absl::StatusOr<std::string> BuildProbeScript(const ProbeRequest& request,
                                             std::string_view nonce);

// What the script prints last: a caller streaming its output stops there.
std::string ProbeEndMarker(std::string_view nonce);

// Parses the script's stdout. Fails (kDataLoss) naming what is missing when
// the output is incomplete, e.g. because the node cut the script short.
absl::StatusOr<ProbeResult> ParseProbeOutput(const ProbeRequest& request,
                                             std::string_view nonce,
                                             std::string_view output);

}  // namespace reconcile::drivers::ssh
