// Where reconcile records what it applied on a node, under the node's state
// directory (ssh.state_dir, /var/lib/reconcile by default). Configure writes
// these files (reconciler/cluster_actions.cc) and Observe reads them
// (reconciler/observe.cc); the probe script reads <role>.hash itself
// (drivers/ssh/probe_script.cc), as the driver does not see this layer.
#pragma once

#include <string>

namespace reconcile {

// <state_dir>/roles: every record below, 0700.
std::string RolesDir(const std::string& state_dir);
// The role's hash, written last: it is what marks the role applied.
std::string RoleHashPath(const std::string& state_dir, const std::string& role);
// The digests of the files the role's last apply uploaded, for sha256sum -c.
std::string FileDigestsPath(const std::string& state_dir, const std::string& role);
// The outputs the provider last gave (0600): Observe reads them from there, so
// a plan never runs an output command (`kubeadm token create` makes a token
// each time it runs).
std::string RecordedOutputsPath(const std::string& state_dir, const std::string& role);

}  // namespace reconcile
