// Command-line options, parsed once into typed values (cli/parse_options.h)
// and handed to the command that runs.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "cli/metrics/listen_address.h"

namespace reconcile::cli {

struct ValidateOptions {
  std::vector<std::string> specs;
};

// `--git REPO --branch B --path P` (plan, status, watch): the spec is the
// file at P in the tip of branch B, with every file it names from that same
// commit (cli/gitops/git_spec_source.h).
struct GitSourceOptions {
  std::string repo;  // a local path or any URL libgit2 reaches; "" reads SPEC
  std::string branch = "main";
  std::string path;  // the spec inside the repository, e.g. "clusters/lab.yaml"
  std::string state_dir;  // mirror and written-out commits; "" the default
  // A tip whose spec does not load falls back to the last commit that did
  // (watch: a restart keeps applying it); plan and status refuse instead.
  bool fall_back_to_last_good = false;
};

// What every command that talks to a cluster shares.
struct TargetOptions {
  std::string spec;
  std::string connect;  // overrides the spec's hypervisor.uri (e.g. test:///default)
  // `--target NODE|GROUP` (plan, apply, status, graph): only these nodes'
  // actions and what they depend on. Empty: the whole cluster.
  std::vector<std::string> only;
  GitSourceOptions git;  // last: commands build TargetOptions{spec, connect} by position
};

// `reconcile known-hosts`: an OpenSSH known_hosts file for every node.
struct KnownHostsOptions {
  TargetOptions target;
};

// `reconcile ssh`: a session (or one command) on a node, its host key verified.
struct SshOptions {
  TargetOptions target;
  std::string node;
  std::vector<std::string> command;  // empty: an interactive login
};

// `reconcile console`: the node's serial console.
struct ConsoleOptions {
  TargetOptions target;
  std::string node;
};

struct PlanOptions {
  TargetOptions target;
  std::string out;  // also save the plan there, for `apply FILE` (cli/saved_plan.h)
  bool json = false;
  bool detailed_exitcode = false;  // 0 no changes, 2 changes pending, 1 error
};

// What apply and destroy share: how they run passes until converged.
struct ConvergeOptions {
  int max_passes = 10;
  std::string lock_dir;  // empty: the default (reconciler/lock/lock_dir.h)
  std::optional<absl::Duration> boot_timeout;  // waiting for a new node's address
  bool yes = false;  // approve deletes and replaces without asking
};

struct ApplyOptions {
  TargetOptions target;
  bool dry_run = false;  // plan only
  ConvergeOptions converge;
};

// Deletes every domain (and its volumes) the cluster owns.
struct DestroyOptions {
  TargetOptions target;
  ConvergeOptions converge;
};

struct WatchCommandOptions {
  TargetOptions target;
  std::optional<absl::Duration> interval;  // overrides policy.interval
  std::string lock_dir;
  std::optional<ListenAddress> listen;  // serve /metrics and /healthz there
  std::optional<absl::Duration> boot_timeout;  // waiting for a new node's address
  absl::Duration git_poll = absl::Minutes(1);  // --git: fetch the branch this often (and on SIGHUP)
};

struct GraphOptions {
  TargetOptions target;
};

struct StatusOptions {
  TargetOptions target;
  bool json = false;
};

using Command =
    std::variant<ValidateOptions, PlanOptions, ApplyOptions, WatchCommandOptions, StatusOptions,
                 GraphOptions, DestroyOptions, KnownHostsOptions, SshOptions, ConsoleOptions>;

struct Options {
  Command command;
};

}  // namespace reconcile::cli
