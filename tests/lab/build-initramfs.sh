#!/bin/bash
# Builds the tiny lab guest: the host's Debian kernel (uncompressed vmlinux,
# booted via PVH: ~2 s under TCG instead of 5-6 s for the bzImage) and a ~5 MB
# initramfs (static busybox, dropbear, dropbearconvert, qemu-ga, virtio and
# isofs modules). At boot its init finds the NoCloud seed (the virtio disk
# labelled "cidata"), applies it with nocloud-apply.sh (hostname, root's
# authorized key, the SSH host key the reconciler generated), then asks for a
# DHCP lease sending its hostname and starts dropbear with that host key.
# Nothing secret or per-node is baked into the image.
#
# Cached: the output directory is keyed by the hash of this script, of
# nocloud-apply.sh, of nixos-rebuild-standin.sh and by the kernel version, so
# reruns cost nothing.
# Prints the output directory (vmlinux, vmlinuz, initramfs.cpio.gz) on stdout.
# Needs: linux-image-amd64, busybox-static, dropbear-bin, cpio, xz-utils, kmod.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${RECONCILE_LAB_CACHE:-/var/tmp/reconcile-lab-cache}
KVER=${KVER:-$(ls /lib/modules | sort -V | tail -1)}
KEY=$(cat "$0" "$HERE/nocloud-apply.sh" "$HERE/nixos-rebuild-standin.sh" | sha256sum | cut -c1-16)-$KVER
IMG=$CACHE/$KEY
if [ -s "$IMG/initramfs.cpio.gz" ] && [ -s "$IMG/vmlinux" ] && [ -s "$IMG/vmlinuz" ]; then
  echo "$IMG"; exit 0
fi

mkdir -p "$CACHE"
# Older builds of this script are stale: remove them rather than leak them
# (only names of its own form, <16 hex>-<kernel>: the cache is shared with
# build-debian-image.sh).
find "$CACHE" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended \
  -regex ".*/[0-9a-f]{16}-[^/]+" ! -name "$KEY" -exec rm -rf {} +
TMP=$(mktemp -d "$CACHE/.build.XXXXXX")
ROOT=$TMP/root
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$ROOT"

# Debian ships /boot/vmlinuz-* mode 0600: copy, then extract the ELF vmlinux.
install -m 0644 "/boot/vmlinuz-$KVER" "$TMP/vmlinuz"
off=$(LC_ALL=C grep -aboP '\xfd7zXZ\x00' "$TMP/vmlinuz" | head -1 | cut -d: -f1)
tail -c +$((off + 1)) "$TMP/vmlinuz" | xz -dc > "$TMP/vmlinux" 2>/dev/null || true  # trailing data warning
head -c4 "$TMP/vmlinux" | grep -q ELF || { echo "vmlinux extraction failed" >&2; exit 1; }

cd "$ROOT"
mkdir -p bin sbin etc proc sys dev run tmp var/log root usr/bin usr/sbin usr/lib \
         usr/share/udhcpc etc/dropbear etc/ssh lib/modules lib64
cp /bin/busybox bin/busybox
for a in $(bin/busybox --list); do [ -e "bin/$a" ] || ln -s busybox "bin/$a"; done

copy_bin() { # src dst: a dynamic binary plus its shared libraries
  install -D -m 0755 "$1" ".$2"
  for l in $(ldd "$1" | grep -o '/[^ ]*\.so[^ ]*'); do
    [ -e ".$l" ] || install -D -m 0755 "$l" ".$l"
  done
}
copy_bin /usr/sbin/dropbear /usr/sbin/dropbear
copy_bin /usr/bin/dropbearconvert /usr/bin/dropbearconvert
[ -x /usr/lib/openssh/sftp-server ] && copy_bin /usr/lib/openssh/sftp-server /usr/lib/sftp-server
[ -x /usr/sbin/qemu-ga ] && copy_bin /usr/sbin/qemu-ga /usr/sbin/qemu-ga
install -m 0755 "$HERE/nocloud-apply.sh" usr/sbin/nocloud-apply
# NixOS stand-ins for the nixos step's end-to-end test: this guest is NOT
# NixOS. A `nixos-rebuild` that only records its calls, and the configuration
# nixos-generate-config writes (the reconciler adds ./reconcile to its imports).
install -m 0755 "$HERE/nixos-rebuild-standin.sh" usr/bin/nixos-rebuild
mkdir -p etc/nixos
cat > etc/nixos/configuration.nix <<'EOS'
# Lab stand-in (this guest is not NixOS): the shape nixos-generate-config writes.
{ config, pkgs, ... }:

{
  imports =
    [ # Include the results of the hardware scan.
      ./hardware-configuration.nix
    ];

  services.openssh.enable = true;
}
EOS

# Debian builds these as modules; load order = dependencies first.
WANT="virtio_net virtio_pci virtio_blk virtio_console virtio-rng isofs button evdev"
: > etc/modules.order
add_mod() {
  local m=$1 f d
  grep -qx "$m" etc/modules.order && return 0
  f=$(modinfo -k "$KVER" -n "$m" 2>/dev/null) || { echo "module $m not found" >&2; return 0; }
  [ "$f" = "(builtin)" ] && return 0
  for d in $(modinfo -k "$KVER" -F depends "$m" | tr ',' ' '); do add_mod "$d"; done
  case "$f" in
    *.ko.xz) xz -dc "$f" > "lib/modules/$m.ko" ;;
    *.ko.zst) zstd -dcq "$f" > "lib/modules/$m.ko" ;;
    *) cp "$f" "lib/modules/$m.ko" ;;
  esac
  echo "$m" >> etc/modules.order
}
for m in $WANT; do add_mod "$m"; done

cat > sbin/shutdown <<'EOS'
#!/bin/sh
# qemu-ga's guest-shutdown execs /sbin/shutdown (not a busybox applet)
case " $* " in *" -r "*) exec /bin/reboot ;; *" -H "*) exec /bin/halt ;; *) exec /bin/poweroff ;; esac
EOS
chmod +x sbin/shutdown

cat > etc/passwd <<'EOS'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOS
echo 'root:*:19000:0:99999:7:::' > etc/shadow
printf 'root:x:0:\nnogroup:x:65534:\n' > etc/group
printf '/bin/sh\n/bin/ash\n' > etc/shells
chmod 0700 root

cat > usr/share/udhcpc/default.script <<'EOS'
#!/bin/sh
case "$1" in
  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
    echo "$ip" > /run/ip
    echo "lab: udhcpc $1 $ip" > /dev/kmsg ;;
esac
exit 0
EOS
chmod +x usr/share/udhcpc/default.script

cat > init <<'EOS'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mkdir -p /dev/pts; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /tmp
for m in $(cat /etc/modules.order); do insmod /lib/modules/$m.ko; done
ip link set lo up
ip link set eth0 up 2>/dev/null
# NoCloud seed: the block device labelled cidata (a read-only virtio disk).
# findfs reads the label like blkid; the dd fallback reads the ISO 9660
# primary volume descriptor's label field directly (sector 16, offset 40).
SEED=""
for try in 1 2 3 4 5 6 7 8 9 10; do
  SEED=$(findfs LABEL=cidata 2>/dev/null) || SEED=""
  if [ -z "$SEED" ]; then
    for d in /dev/vd*; do
      [ -b "$d" ] && [ "$(dd if="$d" bs=1 skip=32808 count=6 2>/dev/null)" = cidata ] && SEED=$d
    done
  fi
  [ -n "$SEED" ] && break
  sleep 0.2
done
HN=unseeded
mkdir -p /run/seed
if [ -n "$SEED" ] && mount -t iso9660 -o ro "$SEED" /run/seed &&
   nocloud-apply /run/seed / > /dev/console 2>&1; then
  HN=$(cat /etc/hostname)
else
  echo "lab: no usable NoCloud seed (device '$SEED'): no SSH" > /dev/console
fi
umount /run/seed 2>/dev/null
hostname "$HN"
# -x hostname: dnsmasq records the name in the lease table
udhcpc -i eth0 -b -t 10 -T 2 -A 1 -x hostname:"$HN" -s /usr/share/udhcpc/default.script >/dev/null 2>&1
if [ -s /etc/dropbear/dropbear_ed25519_host_key ]; then
  /usr/sbin/dropbear -s -E -p 22 -r /etc/dropbear/dropbear_ed25519_host_key -P /run/dropbear.pid 2>/var/log/dropbear.log
fi
if [ -x /usr/sbin/qemu-ga ]; then
  QP=""
  for try in 1 2 3 4 5; do
    for p in /sys/class/virtio-ports/*; do
      [ -e "$p/name" ] && [ "$(cat "$p/name")" = org.qemu.guest_agent.0 ] && QP=/dev/${p##*/}
    done
    [ -n "$QP" ] && break; sleep 1
  done
  [ -n "$QP" ] && /usr/sbin/qemu-ga -m virtio-serial -p "$QP" -d -f /run/qemu-ga.pid -l /var/log/qemu-ga.log
fi
acpid
echo "GUEST-READY $HN $(cat /run/ip 2>/dev/null)" > /dev/console
exec /bin/init
EOS
chmod +x init
cat > etc/inittab <<'EOS'
ttyS0::respawn:/bin/sh
::ctrlaltdel:/bin/poweroff -f
::shutdown:/bin/sync
EOS
# ACPI power button (graceful shutdown) -> poweroff, via busybox acpid
mkdir -p etc/acpi/PWRF
printf '#!/bin/sh\n/bin/poweroff\n' > etc/acpi/PWRF/00000080
chmod +x etc/acpi/PWRF/00000080

find . | cpio -o -H newc --quiet | gzip -1 > "$TMP/initramfs.cpio.gz"
chmod 0644 "$TMP/vmlinux" "$TMP/vmlinuz" "$TMP/initramfs.cpio.gz"
mkdir -p "$IMG.new"
# vmlinuz (the EFI-stub bzImage) too: OVMF boots only that, not an ELF.
mv "$TMP/vmlinux" "$TMP/vmlinuz" "$TMP/initramfs.cpio.gz" "$IMG.new/"
rm -rf "$IMG"; mv "$IMG.new" "$IMG"
echo "$IMG"
