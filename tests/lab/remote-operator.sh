#!/bin/bash
# Runs a command as the remote lab's operator (start-remote-host.sh): in a
# private mount namespace whose /root is $LAB_DIR/state/operator, so the
# system ssh client that libvirt's qemu+ssh transport starts reads that
# home's .ssh/known_hosts and .ssh/config, never the real root's.
#
#   remote-operator.sh [--home DIR] COMMAND [ARGS...]
#
# --home DIR uses another home (e.g. one whose known_hosts holds a wrong key).
# Nothing is mounted outside the new namespace; it ends with COMMAND.
set -euo pipefail
LAB_DIR=${LAB_DIR:-/tmp/reconcile-remote-lab}
home=$LAB_DIR/state/operator
if [ "${1:-}" = --home ]; then home=$2; shift 2; fi
[ $# -gt 0 ] || { echo "usage: remote-operator.sh [--home DIR] COMMAND [ARGS...]" >&2; exit 64; }
[ -d "$home" ] || { echo "remote-operator: no home $home (start-remote-host.sh)" >&2; exit 1; }
exec unshare --mount --propagation private -- /bin/sh -c \
  'mount --bind "$0" /root && exec "$@"' "$home" "$@"
