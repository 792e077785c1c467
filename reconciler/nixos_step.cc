#include "reconciler/nixos_step.h"

#include "base/shell_quote.h"
#include "fmt/format.h"

namespace reconcile {

std::string NixosModulePath(std::string_view role) {
  return fmt::format("{}/{}.nix", kNixosModulesDir, role);
}

std::string NixosImportsModule() {
  // builtins only: `imports` may not depend on module arguments such as lib.
  return R"(# Managed by reconcile: imports every role module in this directory.
let
  entries = builtins.readDir ./.;
  isModule = name:
    entries.${name} == "regular" && name != "default.nix"
    && builtins.match ".*\\.nix" name != null;
in
{
  imports = map (name: ./. + "/${name}") (builtins.filter isModule (builtins.attrNames entries));
}
)";
}

std::vector<model::FileSpec> NixosStepFiles(std::string_view role, const model::NixosSpec& nixos) {
  return {
      {.path = NixosModulePath(role), .content = nixos.module, .mode = 0644},
      {.path = fmt::format("{}/default.nix", kNixosModulesDir), .content = NixosImportsModule(),
       .mode = 0644},
  };
}

std::string EnsureImportCommand(std::string_view configuration) {
  // Comment lines never count: neither as the import nor as the list. The
  // list may open on the line after `imports =` (nixos-generate-config does so).
  return fmt::format(
      R"(conf={0}
if [ ! -f "$conf" ]; then echo "$conf does not exist: not a NixOS node?" >&2; exit 1; fi
if grep -v '^[[:space:]]*#' "$conf" | grep -Eq '(^|[^A-Za-z0-9_./-])\./reconcile([^A-Za-z0-9_.-]|$)'; then exit 0; fi
tmp="$conf.reconcile-tmp"
cp -p "$conf" "$tmp" || exit 1
if ! awk '
  !done && !/^[[:space:]]*#/ {{
    if (pending && sub(/^[[:space:]]*\[/, "& ./reconcile")) done = 1
    else if (sub(/imports[[:space:]]*=[[:space:]]*\[/, "& ./reconcile")) done = 1
    pending = !done && /imports[[:space:]]*=[[:space:]]*$/
  }}
  {{ print }}
  END {{ exit !done }}' "$conf" > "$tmp"; then
  rm -f "$tmp"; echo "$conf has no 'imports = [' list to add ./reconcile to; add it there by hand" >&2; exit 1
fi
[ -e "$conf.before-reconcile" ] || cp -p "$conf" "$conf.before-reconcile" || exit 1
mv -f "$tmp" "$conf")",
      ShellQuote(configuration));
}

std::string RebuildCommand(model::NixosSpec::Rebuild rebuild) {
  return rebuild == model::NixosSpec::Rebuild::kTest ? "nixos-rebuild test" : "nixos-rebuild switch";
}

}  // namespace reconcile
