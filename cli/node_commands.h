// The commands that reach one node by name: known-hosts, ssh, console.
#pragma once

#include <ostream>

#include "cli/options.h"

namespace reconcile::cli {

// Prints a known_hosts file (the keys reconcile generated and recorded in
// each domain) for every created node; 1 if a host could not be listed or a
// domain records no key.
int RunKnownHosts(const KnownHostsOptions& options, std::ostream& out, std::ostream& err);

// Runs OpenSSH to the node, verified against its recorded key; returns ssh's
// exit status (255: ssh itself failed, as ssh reports it).
int RunSsh(const SshOptions& options, std::ostream& err);

// Runs `virsh console` on the host the node's domain lives on.
int RunConsole(const ConsoleOptions& options, std::ostream& err);

}  // namespace reconcile::cli
