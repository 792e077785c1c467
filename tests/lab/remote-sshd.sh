#!/bin/bash
# The remote host's sshd (start-remote-host.sh), on its own:
#
#   remote-sshd.sh start   run it in the mount and network namespaces of the
#                          lab's libvirtd (entered by the daemon's PID, so
#                          /run/libvirt is the daemon's), with an empty /root
#                          there; waits until it accepts connections
#   remote-sshd.sh stop    stop the listener and every session it forked
#                          (clients see the connection drop), by PID
#
# Same environment as start-remote-host.sh (LAB_DIR, NS, LINK).
set -euo pipefail
LAB_DIR=${LAB_DIR:-/tmp/reconcile-remote-lab}
NS=${NS:-rcl-remote}
LINK=${LINK:-10.83.255}
S=$LAB_DIR/state
K=$S/ssh

listening() {
  ip netns exec "$NS" ss -Htln "src $LINK.2 sport = :22" 2>/dev/null | grep -q LISTEN
}

case ${1:-} in
  start)
    daemon=$(cat "$S/libvirtd.pid")
    # sshd's privilege separation directory (no systemd here to create it);
    # shared with any other sshd of this machine, so it is never removed.
    mkdir -p /run/sshd
    chmod 755 /run/sshd
    # In the daemon's mount namespace only: the host's /root is untouched.
    nsenter -t "$daemon" -m -n -- /bin/sh -c "
      mountpoint -q /root || mount --bind '$S/remote-home' /root
      exec /usr/sbin/sshd -f '$K/sshd_config' -E '$K/sshd.log'
    "
    for _ in $(seq 1 100); do listening && exit 0; sleep 0.05; done
    echo "remote-sshd: sshd not listening on $LINK.2:22 (see $K/sshd.log)" >&2
    exit 1 ;;
  stop)
    [ -f "$K/sshd.pid" ] || exit 0
    pid=$(cat "$K/sshd.pid")
    # The listener and every process below it (sessions, virt-ssh-helper).
    tree() { local c; for c in $(pgrep -P "$1" 2>/dev/null); do echo "$c"; tree "$c"; done; }
    kids=$(tree "$pid")
    kill "$pid" $kids 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" $kids 2>/dev/null || true
    rm -f "$K/sshd.pid"
    ! listening || { echo "remote-sshd: still listening" >&2; exit 1; } ;;
  *) echo "usage: remote-sshd.sh start|stop" >&2; exit 64 ;;
esac
