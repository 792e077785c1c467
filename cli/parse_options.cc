#include "cli/parse_options.h"

#include <algorithm>
#include <sstream>
#include <tuple>

#include "CLI/CLI.hpp"
#include "fmt/format.h"
#include "model/names.h"
#include "model/units.h"

namespace reconcile::cli {
namespace {

// Every command, in the order `--help` lists them.
const std::vector<std::string>& CommandNames() {
  static const std::vector<std::string> names = {
      "validate", "plan", "apply", "watch", "status", "graph", "destroy", "known-hosts", "ssh",
      "console"};
  return names;
}

CLI::Option* AddTarget(CLI::App* cmd, TargetOptions& target) {
  cmd->add_option("SPEC", target.spec, "Cluster spec file (YAML)")->required()->type_name("FILE");
  return cmd
      ->add_option("--connect", target.connect,
                   "libvirt URI to use instead of the spec's hypervisor.uri "
                   "(test:///default gives a dry run without any daemon)")
      ->type_name("URI");
}

// `--git REPO [--branch B] --path P` in place of SPEC (plan, status, watch).
// SPEC stops being required here; exactly one of the two is checked after
// parsing (CheckSpecSource).
void AddGitSource(CLI::App* cmd, TargetOptions& target) {
  for (CLI::Option* option : cmd->get_options()) {
    if (option->get_name() == "SPEC") option->required(false);
  }
  cmd->add_option("--git", target.git.repo,
                  "Read the spec from this git repository (a path or URL) instead of SPEC")
      ->type_name("REPO");
  cmd->add_option("--branch", target.git.branch, "With --git: the branch to follow (default main)");
  cmd->add_option("--path", target.git.path,
                  "With --git: the spec's path inside the repository, e.g. clusters/lab.yaml")
      ->type_name("FILE");
  cmd->add_option("--state-dir", target.git.state_dir,
                  "With --git: where the mirror and the written-out commits live "
                  "(default /var/lib/reconcile for root, else ~/.local/state/reconcile)")
      ->type_name("DIR");
}

std::optional<std::string> CheckSpecSource(const TargetOptions& target) {
  if (target.git.repo.empty()) {
    if (target.spec.empty()) return "a SPEC file (or --git REPO --path FILE) is required";
    return std::nullopt;
  }
  if (!target.spec.empty()) return "give a SPEC file or --git, not both";
  if (target.git.path.empty()) return "--git needs --path, the spec's file inside the repository";
  if (target.git.branch.empty()) return "--branch is empty";
  return std::nullopt;
}

void AddOnly(CLI::App* cmd, TargetOptions& target) {
  cmd->add_option("--target", target.only,
                  "Only this node or group (repeatable), and what its actions depend on")
      ->type_name("NODE|GROUP")
      ->take_all();
}

// The options of the commands that change the cluster (apply, destroy,
// watch). The boot timeout is kept as text here and parsed once options are
// read.
void AddChangeOptions(CLI::App* cmd, std::string& lock_dir, std::string& boot_timeout) {
  cmd->add_option("--lock-dir", lock_dir, "Directory of the per-cluster lock files");
  cmd->add_option("--boot-timeout", boot_timeout,
                  "How long to wait for a new node's address (default 3m)")
      ->type_name("DURATION");
}

void AddConvergeOptions(CLI::App* cmd, ConvergeOptions& converge, std::string& boot_timeout) {
  cmd->add_option("--max-passes", converge.max_passes,
                  "Observe/plan/execute passes before giving up")
      ->check(CLI::Range(1, 1000));
  AddChangeOptions(cmd, converge.lock_dir, boot_timeout);
}

// `reconcile --watch SPEC ...` is `reconcile watch SPEC ...`, every option
// included: the flag is rewritten into the command before parsing.
std::vector<std::string> RewriteWatchFlag(int argc, const char* const* argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--watch") {
      args[i] = "watch";
      break;
    }
    if (args[i].rfind("--watch=", 0) == 0) {
      const std::string spec = args[i].substr(8);
      args[i] = "watch";
      args.insert(args.begin() + static_cast<long>(i) + 1, spec);
      break;
    }
    if (args[i].empty() || args[i][0] != '-') break;  // a command: its own options follow
  }
  return args;
}

// The first word that is not an option, when it names no command.
std::optional<EarlyExit> UnknownCommand(const std::vector<std::string>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (!word.empty() && word[0] == '-') continue;
    const auto& names = CommandNames();
    if (std::find(names.begin(), names.end(), word) != names.end()) return std::nullopt;
    std::string message = fmt::format("reconcile: unknown command '{}'", word);
    if (std::optional<std::string> close = model::ClosestMatch(word, names)) {
      message += fmt::format(", did you mean '{}'?", *close);
    }
    message += fmt::format("\nCommands: {}. See reconcile --help.\n", fmt::join(names, ", "));
    return EarlyExit{1, "", message};
  }
  return std::nullopt;
}

EarlyExit UsageError(std::string_view command, std::string_view message) {
  return EarlyExit{1, "", fmt::format("reconcile {}: {}\n", command, message)};
}

}  // namespace

std::variant<Options, EarlyExit> ParseOptions(int argc, const char* const* argv) {
  CLI::App app{
      "reconcile: a desired-state controller for virtual-machine clusters on libvirt.\n"
      "Describe the cluster in a YAML spec (see docs/spec.md) and let reconcile converge it.",
      "reconcile"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", std::string("reconcile ") + RECONCILE_VERSION);
  app.footer("`reconcile --watch SPEC [OPTIONS]` is `reconcile watch SPEC [OPTIONS]`.");
  // Each command's --connect, checked after parsing: (command, option, target).
  std::vector<std::tuple<std::string, CLI::Option*, TargetOptions*>> connects;

  ValidateOptions validate;
  CLI::App* validate_cmd = app.add_subcommand(
      "validate", "Check cluster specs and report every problem as file:line:col: message");
  validate_cmd->add_option("SPEC", validate.specs, "Cluster spec files (YAML)")
      ->required()
      ->type_name("FILE");

  // Each subcommand is declared on its own (plan and status look alike); what
  // several share goes through AddTarget, AddOnly and the Add*Options helpers.
  PlanOptions plan;
  CLI::App* plan_cmd =
      app.add_subcommand("plan", "Dry run: show what apply would change, and why");
  connects.emplace_back("plan", AddTarget(plan_cmd, plan.target), &plan.target);
  AddGitSource(plan_cmd, plan.target);
  AddOnly(plan_cmd, plan.target);
  plan_cmd->add_flag("--json", plan.json, "Print the plan as JSON (docs/plan-json.md)");
  plan_cmd->add_option("--out", plan.out,
                       "Also save the plan there; `reconcile apply FILE` carries out exactly it")
      ->type_name("FILE");
  plan_cmd->add_flag("--detailed-exitcode", plan.detailed_exitcode,
                     "Exit 0 when nothing would change, 2 when changes are pending, 1 on error");

  ApplyOptions apply;
  CLI::App* apply_cmd = app.add_subcommand(
      "apply", "Converge the cluster to the spec (or carry out a plan saved by plan --out)");
  connects.emplace_back("apply", AddTarget(apply_cmd, apply.target), &apply.target);
  AddOnly(apply_cmd, apply.target);
  apply_cmd->add_flag("--dry-run", apply.dry_run, "Only show the plan (same as `plan`)");
  apply_cmd->add_flag("--yes,--auto-approve", apply.converge.yes,
                      "Delete and replace machines without asking on a terminal");
  std::string apply_boot_timeout;
  AddConvergeOptions(apply_cmd, apply.converge, apply_boot_timeout);

  DestroyOptions destroy;
  CLI::App* destroy_cmd = app.add_subcommand(
      "destroy", "Delete every domain the cluster owns, with the volumes made for them");
  connects.emplace_back("destroy", AddTarget(destroy_cmd, destroy.target), &destroy.target);
  destroy_cmd->add_flag("--yes,--auto-approve", destroy.converge.yes,
                        "Do not ask (needed without a terminal)");
  std::string destroy_boot_timeout;
  AddConvergeOptions(destroy_cmd, destroy.converge, destroy_boot_timeout);

  WatchCommandOptions watch;
  std::string interval;
  CLI::App* watch_cmd = app.add_subcommand(
      "watch", "Converge, then keep converging: on spec changes and every interval");
  connects.emplace_back("watch", AddTarget(watch_cmd, watch.target), &watch.target);
  AddGitSource(watch_cmd, watch.target);
  std::string git_poll;
  watch_cmd->add_option("--git-poll", git_poll,
                        "With --git: fetch the branch this often (default 1m; SIGHUP fetches now)")
      ->type_name("DURATION");
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
  connects.emplace_back("status", AddTarget(status_cmd, status.target), &status.target);
  AddGitSource(status_cmd, status.target);
  AddOnly(status_cmd, status.target);
  status_cmd->add_flag("--json", status.json, "Print the table as JSON");

  GraphOptions graph;
  CLI::App* graph_cmd = app.add_subcommand(
      "graph", "Print the plan's action DAG as Graphviz DOT (pipe it to `dot -Tsvg`)");
  connects.emplace_back("graph", AddTarget(graph_cmd, graph.target), &graph.target);
  AddOnly(graph_cmd, graph.target);

  KnownHostsOptions known_hosts;
  CLI::App* known_hosts_cmd = app.add_subcommand(
      "known-hosts", "Print an OpenSSH known_hosts file for every node (for ssh -o UserKnownHostsFile)");
  connects.emplace_back("known-hosts", AddTarget(known_hosts_cmd, known_hosts.target),
                        &known_hosts.target);

  SshOptions ssh;
  CLI::App* ssh_cmd = app.add_subcommand(
      "ssh", "Log in to a node by name, or run `-- COMMAND` there; its host key is verified");
  connects.emplace_back("ssh", AddTarget(ssh_cmd, ssh.target), &ssh.target);
  ssh_cmd->add_option("NODE", ssh.node, "Node name (as `status` lists it)")->required();
  ssh_cmd->add_option("COMMAND", ssh.command, "Command to run instead of a login shell (after --)");

  ConsoleOptions console;
  CLI::App* console_cmd =
      app.add_subcommand("console", "Attach to a node's serial console (leave with Ctrl+])");
  connects.emplace_back("console", AddTarget(console_cmd, console.target), &console.target);
  console_cmd->add_option("NODE", console.node, "Node name (as `status` lists it)")->required();

  const std::vector<std::string> args = RewriteWatchFlag(argc, argv);
  if (std::optional<EarlyExit> unknown = UnknownCommand(args)) return *unknown;
  std::vector<const char*> rewritten;
  for (const std::string& arg : args) rewritten.push_back(arg.c_str());

  std::ostringstream out;
  std::ostringstream err;
  try {
    app.parse(static_cast<int>(rewritten.size()), rewritten.data());
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return EarlyExit{code == 0 ? 0 : 1, out.str(), err.str()};
  }
  for (const auto& [command, option, target] : connects) {
    if (option->count() > 0 && target->connect.empty()) {
      return UsageError(command, "--connect needs a libvirt URI (e.g. qemu:///system); it is empty");
    }
  }
  if (!interval.empty()) {
    absl::StatusOr<absl::Duration> parsed = model::ParseDuration(interval);
    if (!parsed.ok()) return UsageError("watch", "--interval: " + std::string(parsed.status().message()));
    if (*parsed < absl::Seconds(1)) {
      // 0s would re-plan in a tight loop, hammering libvirt and every node.
      return UsageError("watch", fmt::format("--interval '{}' must be at least 1s "
                                             "(policy.interval allows 1s to 24h)",
                                             interval));
    }
    watch.interval = *parsed;
  }
  for (auto [text, target, command] :
       {std::tuple{&apply_boot_timeout, &apply.converge.boot_timeout, "apply"},
        std::tuple{&destroy_boot_timeout, &destroy.converge.boot_timeout, "destroy"},
        std::tuple{&watch_boot_timeout, &watch.boot_timeout, "watch"}}) {
    if (text->empty()) continue;
    absl::StatusOr<absl::Duration> parsed = model::ParseDuration(*text);
    if (!parsed.ok()) {
      return UsageError(command, "--boot-timeout: " + std::string(parsed.status().message()));
    }
    *target = *parsed;
  }
  for (auto [cmd, target] : {std::pair{plan_cmd, &plan.target}, std::pair{watch_cmd, &watch.target},
                             std::pair{status_cmd, &status.target}}) {
    if (!cmd->parsed()) continue;
    if (std::optional<std::string> problem = CheckSpecSource(*target)) {
      return UsageError(cmd->get_name(), *problem);
    }
  }
  watch.target.git.fall_back_to_last_good = true;
  if (!git_poll.empty()) {
    absl::StatusOr<absl::Duration> parsed = model::ParseDuration(git_poll);
    if (!parsed.ok()) return UsageError("watch", "--git-poll: " + std::string(parsed.status().message()));
    if (*parsed < absl::Seconds(1)) {
      return UsageError("watch", fmt::format("--git-poll '{}' must be at least 1s", git_poll));
    }
    watch.git_poll = *parsed;
  }
  if (!listen.empty()) {
    absl::StatusOr<ListenAddress> address = ParseListenAddress(listen);
    if (!address.ok()) return UsageError("watch", std::string(address.status().message()));
    watch.listen = *address;
  }
  if (validate_cmd->parsed()) return Options{validate};
  if (plan_cmd->parsed()) return Options{plan};
  if (apply_cmd->parsed()) return Options{apply.dry_run ? Command(PlanOptions{apply.target}) : apply};
  if (destroy_cmd->parsed()) return Options{destroy};
  if (watch_cmd->parsed()) return Options{watch};
  if (status_cmd->parsed()) return Options{status};
  if (graph_cmd->parsed()) return Options{graph};
  if (known_hosts_cmd->parsed()) return Options{known_hosts};
  if (ssh_cmd->parsed()) return Options{ssh};
  if (console_cmd->parsed()) return Options{console};
  return EarlyExit{1, "", app.help()};
}

}  // namespace reconcile::cli
