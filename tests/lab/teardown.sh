#!/bin/bash
# Undoes start-lab.sh (same environment): destroys and undefines every domain
# of the private libvirtd, stops it by PID, kills what is left in the
# namespace by PID, deletes the namespace, removes created paths and users and
# the state directory. Safe to run when nothing (or half of it) exists.
P=${LAB_DIR:-/tmp/reconcile-lab-test}
S=$P/state
NS=${NS:-rcl-lab}
URI="qemu:///system?socket=$S/run/libvirt-sock"
if [ -S "$S/run/libvirt-sock" ]; then
  for d in $(virsh -q -c "$URI" list --name 2>/dev/null); do virsh -q -c "$URI" destroy "$d" >/dev/null 2>&1; done
  for d in $(virsh -q -c "$URI" list --all --name 2>/dev/null); do virsh -q -c "$URI" undefine "$d" >/dev/null 2>&1; done
  for n in $(virsh -q -c "$URI" net-list --name 2>/dev/null); do virsh -q -c "$URI" net-destroy "$n" >/dev/null 2>&1; done
fi
if [ -f "$S/libvirtd.pid" ]; then
  pid=$(cat "$S/libvirtd.pid")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
fi
if ip netns list | grep -qw "$NS"; then
  for pid in $(ip netns pids "$NS"); do kill "$pid" 2>/dev/null; done
  sleep 0.5
  for pid in $(ip netns pids "$NS"); do kill -9 "$pid" 2>/dev/null; done
  ip netns del "$NS"
fi
[ -f "$S/.created-dirs" ] && while read -r d; do rmdir "$d" 2>/dev/null; done < "$S/.created-dirs"
if [ -f "$S/.created-users" ]; then
  while read -r u; do
    userdel "$u" 2>/dev/null
    getent group "$u" >/dev/null && groupdel "$u" 2>/dev/null
  done < "$S/.created-users"
fi
rm -rf "$P"
echo "teardown: $NS and $P removed"
