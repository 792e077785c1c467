#!/bin/bash
# Starts a private libvirtd (QEMU + network + storage drivers) inside a fresh
# network namespace, with all its config/state under $LAB_DIR/state, an
# isolated DHCP network (no <forward>: nothing routes out of the namespace), a
# directory storage pool "rcl" and a tiny qcow2 base image in it.
#
#   LAB_DIR (default /tmp/reconcile-lab-test)   NS (default rcl-lab)
#   NET (default rcl-lab)   SUBNET (default 10.78.0, exists only inside NS)
#
# Prints the libvirt URI (also written to $LAB_DIR/state/uri). Guests'
# addresses exist only in the namespace: reach them with `ip netns exec $NS`.
# Undo with teardown.sh (same environment).
set -euo pipefail
P=${LAB_DIR:-/tmp/reconcile-lab-test}
S=$P/state
NS=${NS:-rcl-lab}
NET=${NET:-rcl-lab}
SUBNET=${SUBNET:-10.78.0}
POOL=${POOL:-rcl}
. "$(dirname "$0")/libvirtd-launch.sh"

if ip netns list | grep -qw "$NS"; then
  echo "start-lab: namespace $NS exists; run teardown.sh first" >&2
  exit 1
fi
mkdir -p "$S"/{etc/qemu/networks,lib,cache,log,run,pool,logs}

cat > "$S/etc/libvirtd.conf" <<'EOC'
unix_sock_group = "root"
unix_sock_rw_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOC
# No libvirt-daemon-system package: give qemu.conf explicitly. stdio_handler
# "file": QEMU writes console logs itself (no virtlogd daemon needed).
# namespaces = []: no private /dev per domain. libvirt would move each
# mount under /dev into it, and the read-only file covering /dev/kvm (see
# libvirtd-launch.sh) cannot be moved ("Unable to move ... mount to /dev/kvm").
cat > "$S/etc/qemu.conf" <<'EOC'
user = "root"
group = "root"
security_driver = "none"
stdio_handler = "file"
namespaces = []
EOC
: > "$S/etc/libvirt.conf"

# libvirtd (Debian build) resolves its default qemu user before reading
# qemu.conf; create it if missing and remember to remove it again.
if ! getent passwd libvirt-qemu >/dev/null; then
  getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
  useradd -r -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
  echo libvirt-qemu >> "$S/.created-users"
fi
# Mount points for the bind mounts below (only inside the namespace's
# private mount namespace; the host's paths are never mounted over).
for d in /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /run/libvirt; do
  [ -e "$d" ] || { mkdir -p "$d"; echo "$d" >> "$S/.created-dirs"; }
done

ip netns add "$NS"
ip -n "$NS" link set lo up
launch_libvirtd
URI="qemu:///system?socket=$S/run/libvirt-sock"
V() { virsh -q -c "$URI" "$@"; }

cat > "$S/net-$NET.xml" <<EOC
<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>
  <name>$NET</name>
  <bridge name='virbr-rcl' stp='off' delay='0'/>
  <dns enable='no'/>
  <ip address='$SUBNET.1' netmask='255.255.255.0'>
    <dhcp><range start='$SUBNET.100' end='$SUBNET.250'/></dhcp>
  </ip>
  <dnsmasq:options><dnsmasq:option value='no-ping'/></dnsmasq:options>
</network>
EOC
V net-define "$S/net-$NET.xml" >/dev/null
V net-start "$NET" >/dev/null
V net-autostart "$NET" >/dev/null
V pool-define-as "$POOL" dir --target "$S/pool" >/dev/null
V pool-start "$POOL" >/dev/null
V pool-autostart "$POOL" >/dev/null
# The base image overlays are created on; guests boot their kernel directly,
# so it stays empty (the overlay path is what is exercised).
V vol-create-as "$POOL" base.qcow2 64M --format qcow2 >/dev/null
echo "$URI" > "$S/uri"
echo "$URI"
