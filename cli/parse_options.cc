#include "cli/parse_options.h"

#include <sstream>
#include <tuple>

#include "CLI/CLI.hpp"
#include "model/units.h"

namespace reconcile::cli {
namespace {

void AddTarget(CLI::App* cmd, TargetOptions& target) {
  cmd->add_option("SPEC", target.spec, "Cluster spec file (YAML)")->required()->type_name("FILE");
  cmd->add_option("--connect", target.connect,
                  "libvirt URI to use instead of the spec's hypervisor.uri "
                  "(test:///default gives a dry run without any daemon)")
      ->type_name("URI");
}

// The options of the commands that change the cluster (apply, watch). The
// boot timeout is kept as text here and parsed once options are read.
void AddChangeOptions(CLI::App* cmd, std::string& lock_dir, std::string& boot_timeout) {
  cmd->add_option("--lock-dir", lock_dir, "Directory of the per-cluster lock files");
  cmd->add_option("--boot-timeout", boot_timeout,
                  "How long to wait for a new node's address (default 3m)")
      ->type_name("DURATION");
}

}  // namespace

std::variant<Options, EarlyExit> ParseOptions(int argc, const char* const* argv) {
  CLI::App app{
      "reconcile: a desired-state controller for virtual-machine clusters on libvirt.\n"
      "Describe the cluster in a YAML spec (see docs/spec.md) and let reconcile converge it.",
      "reconcile"};
  app.require_subcommand(0, 1);

  ValidateOptions validate;
  CLI::App* validate_cmd = app.add_subcommand(
      "validate", "Check cluster specs and report every problem as file:line:col: message");
  validate_cmd->add_option("SPEC", validate.specs, "Cluster spec files (YAML)")
      ->required()
      ->type_name("FILE");

  PlanOptions plan;
  CLI::App* plan_cmd =
      app.add_subcommand("plan", "Dry run: show what apply would change, and why");
  AddTarget(plan_cmd, plan.target);
  plan_cmd->add_flag("--json", plan.json, "Print the plan as JSON (docs/plan-json.md)");
  plan_cmd->add_flag("--detailed-exitcode", plan.detailed_exitcode,
                     "Exit 0 when nothing would change, 2 when changes are pending, 1 on error");

  ApplyOptions apply;
  CLI::App* apply_cmd = app.add_subcommand("apply", "Converge the cluster to the spec once");
  AddTarget(apply_cmd, apply.target);
  apply_cmd->add_flag("--dry-run", apply.dry_run, "Only show the plan (same as `plan`)");
  apply_cmd->add_option("--max-passes", apply.max_passes,
                        "Observe/plan/execute passes before giving up")
      ->check(CLI::Range(1, 1000));
  std::string apply_boot_timeout;
  AddChangeOptions(apply_cmd, apply.lock_dir, apply_boot_timeout);

  WatchCommandOptions watch;
  std::string interval;
  CLI::App* watch_cmd = app.add_subcommand(
      "watch", "Converge, then keep converging: on spec changes and every interval");
  AddTarget(watch_cmd, watch.target);
  watch_cmd->add_option("--interval", interval, "Drift check period (overrides policy.interval)")
      ->type_name("DURATION");
  std::string watch_boot_timeout;
  AddChangeOptions(watch_cmd, watch.lock_dir, watch_boot_timeout);
  std::string listen;
  watch_cmd->add_option("--listen", listen,
                        "Serve /metrics (Prometheus) and /healthz on HOST:PORT, e.g. 127.0.0.1:9464")
      ->type_name("HOST:PORT");

  StatusOptions status;
  CLI::App* status_cmd =
      app.add_subcommand("status", "Show every node: state, address, roles applied, drift");
  AddTarget(status_cmd, status.target);
  status_cmd->add_flag("--json", status.json, "Print the table as JSON");

  GraphOptions graph;
  CLI::App* graph_cmd = app.add_subcommand(
      "graph", "Print the plan's action DAG as Graphviz DOT (pipe it to `dot -Tsvg`)");
  AddTarget(graph_cmd, graph.target);

  // `reconcile --watch SPEC` is `reconcile watch SPEC`.
  std::string watch_spec;
  app.add_option("--watch", watch_spec, "Same as `reconcile watch SPEC`")->type_name("SPEC");

  std::ostringstream out;
  std::ostringstream err;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return EarlyExit{code == 0 ? 0 : 1, out.str(), err.str()};
  }
  if (!interval.empty()) {
    absl::StatusOr<absl::Duration> parsed = model::ParseDuration(interval);
    if (!parsed.ok()) {
      return EarlyExit{1, "", "reconcile watch: --interval: " +
                                  std::string(parsed.status().message()) + "\n"};
    }
    if (*parsed < absl::Seconds(1)) {
      // 0s would re-plan in a tight loop, hammering libvirt and every node.
      return EarlyExit{1, "", "reconcile watch: --interval '" + interval +
                                  "' must be at least 1s (policy.interval allows 1s to 24h)\n"};
    }
    watch.interval = *parsed;
  }
  for (auto [text, target, command] :
       {std::tuple{&apply_boot_timeout, &apply.boot_timeout, "apply"},
        std::tuple{&watch_boot_timeout, &watch.boot_timeout, "watch"}}) {
    if (text->empty()) continue;
    absl::StatusOr<absl::Duration> parsed = model::ParseDuration(*text);
    if (!parsed.ok()) {
      return EarlyExit{1, "", std::string("reconcile ") + command + ": --boot-timeout: " +
                                  std::string(parsed.status().message()) + "\n"};
    }
    *target = *parsed;
  }
  if (!listen.empty()) {
    absl::StatusOr<ListenAddress> address = ParseListenAddress(listen);
    if (!address.ok()) {
      return EarlyExit{1, "", "reconcile watch: " + std::string(address.status().message()) + "\n"};
    }
    watch.listen = *address;
  }
  if (validate_cmd->parsed()) return Options{validate};
  if (plan_cmd->parsed()) return Options{plan};
  if (apply_cmd->parsed()) return Options{apply.dry_run ? Command(PlanOptions{apply.target}) : apply};
  if (watch_cmd->parsed()) return Options{watch};
  if (status_cmd->parsed()) return Options{status};
  if (graph_cmd->parsed()) return Options{graph};
  if (!watch_spec.empty()) {
    watch.target.spec = watch_spec;
    return Options{watch};
  }
  return EarlyExit{1, "", app.help()};
}

}  // namespace reconcile::cli
