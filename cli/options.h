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

// What every command that talks to a cluster shares.
struct TargetOptions {
  std::string spec;
  std::string connect;  // overrides the spec's hypervisor.uri (e.g. test:///default)
};

struct PlanOptions {
  TargetOptions target;
  bool json = false;
  bool detailed_exitcode = false;  // 0 no changes, 2 changes pending, 1 error
};

struct ApplyOptions {
  TargetOptions target;
  bool dry_run = false;  // plan only
  int max_passes = 10;
  std::string lock_dir;  // empty: the default (reconciler/lock/lock_dir.h)
  std::optional<absl::Duration> boot_timeout;  // waiting for a new node's address
};

struct WatchCommandOptions {
  TargetOptions target;
  std::optional<absl::Duration> interval;  // overrides policy.interval
  std::string lock_dir;
  std::optional<ListenAddress> listen;  // serve /metrics and /healthz there
  std::optional<absl::Duration> boot_timeout;  // waiting for a new node's address
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
                 GraphOptions>;

struct Options {
  Command command;
};

}  // namespace reconcile::cli
