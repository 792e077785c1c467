#include "cli/validate_command.h"

#include "base/text.h"
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
    // Named by file, as its diagnostics are: with several files each line
    // says which one it is about.
    out << "ok: " << path << ": cluster " << spec->cluster << ": "
        << Counted(nodes, "node", "nodes") << " in "
        << Counted(static_cast<long long>(spec->groups.size()), "group", "groups") << "\n";
  }
  return exit_code;
}

}  // namespace reconcile::cli
