# Sourced by start-lab.sh and restart-libvirtd.sh: runs libvirtd inside the
# namespace $NS with its config/state bind-mounted from $S, then waits for
# its socket. `ip netns exec` gives the daemon a private mount namespace, so
# the bind mounts are invisible on the host.
launch_libvirtd() {
  ip netns exec "$NS" /bin/sh -c "
    mount --bind '$S/etc'   /etc/libvirt
    mount --bind '$S/lib'   /var/lib/libvirt
    mount --bind '$S/cache' /var/cache/libvirt
    mount --bind '$S/log'   /var/log/libvirt
    mount --bind '$S/run'   /run/libvirt
    exec /usr/sbin/libvirtd -d -p '$S/libvirtd.pid'
  "
  local uri="qemu:///system?socket=$S/run/libvirt-sock"
  for _ in $(seq 1 100); do virsh -q -c "$uri" version >/dev/null 2>&1 && return 0; sleep 0.1; done
  virsh -q -c "$uri" version >/dev/null
}
