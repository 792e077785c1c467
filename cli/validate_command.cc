#include "cli/validate_command.h"

#include "model/diagnostics.h"
#include "model/loader.h"

namespace reconcile::cli {

int RunValidate(const ValidateOptions& options, std::ostream& out, std::ostream& err) {
  int exit_code = 0;
  for (const std::string& path : options.specs) {
    model::Diagnostics diagnostics;
    absl::StatusOr<model::Spec> spec = model::LoadSpec(path, diagnostics);
    if (!spec.ok()) {
      err << diagnostics.ToString();
      exit_code = 1;
      continue;
    }
    int nodes = 0;
    for (const auto& group : spec->groups) nodes += group.count;
    out << "ok: " << spec->cluster << ": " << nodes << (nodes == 1 ? " node" : " nodes")
        << " in " << spec->groups.size() << (spec->groups.size() == 1 ? " group" : " groups")
        << "\n";
  }
  return exit_code;
}

}  // namespace reconcile::cli
