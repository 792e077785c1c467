#!/bin/bash
# Stops the lab's libvirtd by PID and starts it again (same environment as
# start-lab.sh). Running guests keep running; clients must reconnect.
set -euo pipefail
P=${LAB_DIR:-/tmp/reconcile-lab-test}
S=$P/state
NS=${NS:-rcl-lab}
. "$(dirname "$0")/libvirtd-launch.sh"
pid=$(cat "$S/libvirtd.pid")
kill "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
launch_libvirtd
echo "libvirtd restarted: pid $(cat "$S/libvirtd.pid")"
