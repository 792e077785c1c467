#!/bin/sh
# STAND-IN for NixOS's `nixos-rebuild`, installed as /usr/bin/nixos-rebuild in
# the lab's busybox guest image only. The lab guest is not NixOS and builds
# nothing: this records how it was called and the configuration it would have
# evaluated, so end-to-end tests can check what the reconciler did.
#
# It fails, as an evaluation on NixOS would miss the role modules, when
# /etc/nixos/configuration.nix does not import ./reconcile or
# /etc/nixos/reconcile/default.nix is missing.
# Log: /var/log/nixos-rebuild.log, per call:
#   call: <arguments>
#   imports: <lines of configuration.nix naming ./reconcile>
#   module: <path>            then the module's lines, each prefixed by "| "
log=/var/log/nixos-rebuild.log
conf=/etc/nixos/configuration.nix
case "${1:-}" in
  switch|test|boot|build|dry-activate) ;;
  *) echo "nixos-rebuild (lab stand-in): unknown action '${1:-}'" >&2; exit 1 ;;
esac
imports=$(grep -c '\./reconcile' "$conf" 2>/dev/null)
{
  echo "call: $*"
  echo "imports: ${imports:-0}"
  for m in /etc/nixos/reconcile/*.nix; do
    [ -f "$m" ] || continue
    [ "${m##*/}" = default.nix ] && continue
    echo "module: $m"
    sed 's/^/| /' "$m"
  done
} >> "$log"
if [ "${imports:-0}" -lt 1 ] || [ ! -f /etc/nixos/reconcile/default.nix ]; then
  echo "error: $conf does not import ./reconcile (lab stand-in check)" >&2
  exit 1
fi
echo "building the system configuration... (lab stand-in: nothing built)"
