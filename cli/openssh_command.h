// The OpenSSH client command line for `reconcile ssh`, and the known_hosts
// lines for `reconcile known-hosts`. Pure: no I/O.
//
// Interactive terminals, escapes (~.), agents and the operator's ssh_config
// are what OpenSSH does best, so `reconcile ssh` runs it; what reconcile adds
// is the verification: the node's key comes from what reconcile recorded
// (HostKeyAlias + StrictHostKeyChecking=yes), never from a first-use prompt.
#pragma once

#include <string>
#include <vector>

#include "drivers/node_shell.h"

namespace reconcile::cli {

// known_hosts lines for a node reconcile created: one under the node's name
// (what HostKeyAlias looks up) and, when the address is known, one under the
// address ("[addr]:port" off port 22) so plain `ssh addr` verifies too.
std::vector<std::string> KnownHostsLines(const std::string& node, const std::string& address,
                                         int port, const std::string& public_key);

// argv for OpenSSH reaching `target`. `known_hosts_file` holds the node's
// recorded key (created nodes), or is the spec's known_hosts (existing
// machines, which are verified by address). `command` words are passed to the
// remote shell joined by spaces, as `ssh host cmd…` does. A target in a
// network namespace runs the client there (`ip netns exec`).
std::vector<std::string> OpenSshArgv(const drivers::SshTarget& target,
                                     const std::string& known_hosts_file,
                                     const std::vector<std::string>& command);

}  // namespace reconcile::cli
