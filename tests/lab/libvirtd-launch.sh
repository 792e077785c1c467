# Sourced by start-lab.sh and restart-libvirtd.sh: runs libvirtd inside the
# namespace $NS with its config/state bind-mounted from $S, then waits for
# its socket. `ip netns exec` gives the daemon a private mount namespace, so
# the bind mounts are invisible on the host.
#
# LAB_ACCEL=tcg (the default) also hides /dev/kvm from the daemon, so libvirt
# offers only TCG. It is covered, in the daemon's private mount namespace, by
# an empty regular file mounted read-only: libvirt re-checks /dev/kvm on every
# capability lookup, and a node it can open read-write (/dev/null) counts as
# "KVM usable", which made it re-probe QEMU (~30 s) on every domain define;
# write access to a file on a read-only mount is refused (EROFS). On
# some machines of this kind /dev/kvm exists but every KVM guest dies at once
# (nested KVM is broken there), and a lab must not depend on which machine it
# got. LAB_ACCEL=kvm leaves /dev/kvm visible, for hosts where KVM is known to
# work. The choice is printed on stderr.
launch_libvirtd() {
  local hide_kvm=""
  case "${LAB_ACCEL:-tcg}" in
    tcg) if [ -e /dev/kvm ]; then
           : > "$S/no-kvm"
           chmod 0 "$S/no-kvm"
           hide_kvm="mount --bind '$S/no-kvm' /dev/kvm && mount -o remount,bind,ro /dev/kvm"
           echo "lab: /dev/kvm hidden from libvirtd in $NS: guests run under TCG (LAB_ACCEL=kvm to use KVM)" >&2
         else
           echo "lab: no /dev/kvm: guests run under TCG" >&2
         fi ;;
    kvm) echo "lab: LAB_ACCEL=kvm: libvirt offers KVM when /dev/kvm works" >&2 ;;
    *) echo "lab: LAB_ACCEL must be tcg or kvm, got '${LAB_ACCEL}'" >&2; return 1 ;;
  esac
  ip netns exec "$NS" /bin/sh -c "
    $hide_kvm
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
