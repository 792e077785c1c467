// NodeShell: everything the reconciler does on a node, over one abstract seam.
//
// The reconciler never spawns `ssh` and never sees libssh: it describes a node
// with an SshTarget and calls Run / Upload / ReadFile / Probe. The production
// implementation (drivers/ssh/ssh_node_shell.h) keeps one verified session per
// node in a pool; unit tests of the reconciler use an in-memory fake.
//
// Error contract (absl::Status codes carry retry meaning):
//   kUnavailable       the node could not be reached or the connection broke
//                      (refused, timeout, reset, unreachable, peer vanished
//                      mid-command). Retryable.
//   kDeadlineExceeded  the call's deadline passed (the remote command may still
//                      be running). Retryable.
//   kUnauthenticated   the node refused every key we offered. Terminal.
//   kFailedPrecondition the host key did not match what we expected, or is
//                      unknown and trust-on-first-use was not enabled. Terminal:
//                      the message names the node and both SHA256 fingerprints.
//   kInvalidArgument   a malformed target or request (bad key line, bad path).
//   kNotFound / kPermissionDenied  from ReadFile / Upload on the node's files.
// Messages always name the node and the address dialled. A command that ran and
// exited non-zero is NOT an error: it is a CommandResult with that exit status.
//
// Thread safety: implementations must allow concurrent calls for different
// nodes; calls for the same node may be serialised.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace reconcile::drivers {

// How to reach one node and how to know it is the right one.
struct SshTarget {
  std::string node;  // logical node name: pool key and the name in every message
  std::string host;  // address or DNS name
  int port = 22;
  std::string user = "root";
  std::string identity_file;  // private key; empty: ssh-agent, then default keys
  // Host public keys this node must present, as OpenSSH public key lines
  // ("ssh-ed25519 AAAA... comment"), e.g. the key the libvirt driver generated
  // for the node's seed. When non-empty, only these are accepted.
  std::vector<std::string> expected_host_keys;
  std::string known_hosts_file;  // OpenSSH known_hosts, for machines we did not seed
  // Trust a key neither of the above knows (trust on first use). Off by
  // default; when used, every such acceptance is logged as a warning.
  bool accept_unknown_host_keys = false;
  absl::Duration connect_timeout = absl::Seconds(10);
  // Network namespace (a name under /run/netns) to open the TCP connection in,
  // for nodes that exist only inside one (lab guests). Empty: the caller's.
  std::string netns;
  // [user@]host[:port] to dial through (ProxyJump; user defaults to `user`).
  // The jump host is verified with known_hosts_file (or trust-on-first-use),
  // never with expected_host_keys, which are the node's own.
  std::string jump_host;
  // Run every command, file write and file read as root through `sudo -n`,
  // for images whose login user is not root (drivers/ssh/become.h).
  bool become = false;

  friend bool operator==(const SshTarget&, const SshTarget&) = default;
};

struct CommandResult {
  // The command's exit status; -1 when it died of a signal (libssh 0.10 does
  // not report which one).
  int exit_status = -1;
  std::string stdout_data;
  std::string stderr_data;
  // True when the stream produced more than the implementation's output bound;
  // the data above is then its first `bound` bytes.
  bool stdout_truncated = false;
  bool stderr_truncated = false;
};

// A check command the probe runs; `id` names its result (e.g. "web/install").
struct ProbeCheck {
  std::string id;
  std::string command;  // shell command; exit 0 means "already applied"
};

// What one probe asks the node in a single round trip.
struct ProbeRequest {
  // The reconciler's state directory on the node; role hashes are read from
  // <state_dir>/roles/<role>.hash.
  std::string state_dir = "/var/lib/reconcile";
  std::vector<std::string> roles;  // roles whose recorded hash to read
  std::vector<ProbeCheck> checks;  // each run in its own shell, output discarded
};

// The node's facts and our own state on it, as observed by one probe.
struct ProbeResult {
  std::string hostname;
  std::string boot_id;  // changes on every boot: detects reboots between passes
  absl::Duration uptime;
  // role -> recorded hash; a role without a state file is absent.
  std::map<std::string, std::string> role_hashes;
  std::map<std::string, int> check_exit_status;  // check id -> exit status
};

class NodeShell {
 public:
  virtual ~NodeShell() = default;

  // Runs `command` through the node's login shell. Returns when the command
  // exits, or kDeadlineExceeded at `deadline` (never blocks forever on a dead
  // peer). Output beyond the implementation's bound is dropped and flagged.
  virtual absl::StatusOr<CommandResult> Run(const SshTarget& target,
                                            std::string_view command,
                                            absl::Time deadline) = 0;

  // Atomically replaces `path` with `content`: writes a temporary file in the
  // same directory, sets `mode` and `owner` ("user[:group]", empty: keep the
  // login user), then renames it over `path`. A reader sees the old file or the
  // new one, never a partial one; on failure the temporary file is removed.
  virtual absl::Status Upload(const SshTarget& target, std::string_view path,
                              std::string_view content, uint32_t mode,
                              std::string_view owner, absl::Time deadline) = 0;

  // Reads a file of at most `max_bytes` bytes; a larger file is
  // kFailedPrecondition, a missing one kNotFound.
  virtual absl::StatusOr<std::string> ReadFile(const SshTarget& target,
                                               std::string_view path,
                                               size_t max_bytes,
                                               absl::Time deadline) = 0;

  // One round trip returning facts, recorded role hashes and check results.
  // Checks run on every pass, so they are expected not to change the node.
  virtual absl::StatusOr<ProbeResult> Probe(const SshTarget& target,
                                            const ProbeRequest& request,
                                            absl::Time deadline) = 0;
};

}  // namespace reconcile::drivers
