#!/bin/sh
# Applies the identity in a NoCloud seed (meta-data + user-data as written by
# drivers/libvirt/nocloud_seed.cc) to a root file system. Runs inside the lab
# guests' initramfs (busybox sh/awk/sed) and in the unit tests on the host.
# usage: nocloud-apply.sh SEED_DIR ROOT
# writes ROOT/etc/hostname, ROOT/root/.ssh/authorized_keys,
#        ROOT/etc/ssh/ssh_host_ed25519_key{,.pub} and, when dropbearconvert
#        exists, ROOT/etc/dropbear/dropbear_ed25519_host_key
set -eu
SEED=$1
ROOT=$2
unquote() { sed -e 's/^"//' -e 's/"$//' -e 's/\\"/"/g' -e 's/\\\\/\\/g'; }

hostname=$(sed -n 's/^local-hostname: *//p' "$SEED/meta-data" | head -n 1)
case "$hostname" in
  ''|*[!a-z0-9-]*) echo "nocloud-apply: bad hostname '$hostname'" >&2; exit 1 ;;
esac
mkdir -p "$ROOT/etc/ssh" "$ROOT/etc/dropbear" "$ROOT/root/.ssh"
echo "$hostname" > "$ROOT/etc/hostname"

umask 077
awk '/^ssh_authorized_keys:/ { on = 1; next }
     on && /^  - / { sub(/^  - /, ""); print; next }
     on { exit }' "$SEED/user-data" | unquote > "$ROOT/root/.ssh/authorized_keys"
awk '/^  ed25519_private: \|$/ { on = 1; next }
     on && /^    / { sub(/^    /, ""); print; next }
     on { exit }' "$SEED/user-data" > "$ROOT/etc/ssh/ssh_host_ed25519_key"
sed -n 's/^  ed25519_public: //p' "$SEED/user-data" | unquote \
  > "$ROOT/etc/ssh/ssh_host_ed25519_key.pub"
chmod 700 "$ROOT/root" "$ROOT/root/.ssh"
[ -s "$ROOT/root/.ssh/authorized_keys" ] || { echo "nocloud-apply: no authorized key" >&2; exit 1; }
[ -s "$ROOT/etc/ssh/ssh_host_ed25519_key" ] || { echo "nocloud-apply: no host key" >&2; exit 1; }
if command -v dropbearconvert >/dev/null 2>&1; then
  rm -f "$ROOT/etc/dropbear/dropbear_ed25519_host_key"
  dropbearconvert openssh dropbear "$ROOT/etc/ssh/ssh_host_ed25519_key" \
    "$ROOT/etc/dropbear/dropbear_ed25519_host_key" >/dev/null 2>&1
fi
echo "nocloud-apply: identity of $hostname applied"
