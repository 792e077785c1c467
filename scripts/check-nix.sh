#!/usr/bin/env bash
# Parses every .nix file of the repository with `nix-instantiate --parse`
# (Debian's nix-bin): these machines cannot reach a Nix binary cache, so the
# flake cannot be built in CI, but a syntax error in any expression (the
# flake, nix/, the NixOS modules beside specs/) still fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nix-instantiate >/dev/null || { echo "check-nix: nix-instantiate missing (apt-get install nix-bin)" >&2; exit 1; }
# Parsing needs no store, but nix wants a writable state directory to start.
export NIX_STATE_DIR=${NIX_STATE_DIR:-$(mktemp -d)}
export NIX_CONFIG="build-users-group ="  # no nixbld group: nothing is built
trap 'rm -rf "$NIX_STATE_DIR"' EXIT
status=0
count=0
while IFS= read -r -d '' file; do
  count=$((count + 1))
  if ! nix-instantiate --parse "$file" >/dev/null; then
    echo "check-nix: $file does not parse" >&2
    status=1
  fi
done < <(git ls-files -z --cached --others --exclude-standard -- '*.nix')
echo "check-nix: $count .nix files parsed, status $status"
exit $status
