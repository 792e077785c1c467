#include "cli/parse_options.h"

#include <sstream>

#include "CLI/CLI.hpp"

namespace reconcile::cli {

std::variant<Options, EarlyExit> ParseOptions(int argc, const char* const* argv) {
  CLI::App app{
      "reconcile: a desired-state controller for virtual-machine clusters on libvirt.\n"
      "Describe the cluster in a YAML spec (see docs/spec.md) and let reconcile converge it.",
      "reconcile"};
  app.require_subcommand(1, 1);

  ValidateOptions validate;
  CLI::App* validate_cmd = app.add_subcommand(
      "validate", "Check cluster specs and report every problem as file:line:col: message");
  validate_cmd->add_option("SPEC", validate.specs, "Cluster spec files (YAML)")
      ->required()
      ->type_name("FILE");

  std::ostringstream out;
  std::ostringstream err;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return EarlyExit{code == 0 ? 0 : 1, out.str(), err.str()};
  }
  if (validate_cmd->parsed()) return Options{validate};
  return EarlyExit{1, "", app.help()};
}

}  // namespace reconcile::cli
