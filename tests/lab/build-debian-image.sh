#!/bin/bash
# Builds a generic Debian 12 (bookworm) cloud image, debian-12.qcow2, from
# Debian's packages with mmdebstrap. It boots from its own disk under BIOS
# (SeaBIOS, libvirt's default) and is configured at first boot by the real
# cloud-init from reconcile's NoCloud seed (the disk labelled "cidata"):
# hostname, the operator's key for the stock default user `debian`
# (passwordless sudo; root logins refused as in Debian's cloud images) and
# the SSH host key the reconciler recorded. It carries SLURM (slurmctld,
# slurmd, client) and munge, all disabled: roles enable what a node is.
#
# Nothing per-cluster or per-node is inside: no slurm.conf, no munge key, no
# SSH host keys, no user keys, an empty machine-id, no random seed.
#
# No loop devices and no mounts of the image (CI may have neither): the root
# filesystem is made from a directory with `mkfs.ext4 -d`, written at its
# partition's offset in a raw file partitioned with sfdisk, and GRUB is put
# in place with dd (boot.img in the MBR, a core.img from grub-mkimage in the
# gap before the partition), not grub-install. One partition, so the root
# partition is the last one and cloud-init's growpart can grow it.
#
# Cached under $RECONCILE_LAB_CACHE (default /var/tmp/reconcile-lab-cache)
# in debian-12-<hash of this script, which holds the package list>; reruns
# cost nothing. Prints the directory holding debian-12.qcow2 on stdout.
# Needs root, network access to deb.debian.org, and mmdebstrap, e2fsprogs,
# fdisk (sfdisk), grub-pc-bin, grub-common, qemu-utils (install-deps.sh).
set -euo pipefail
CACHE=${RECONCILE_LAB_CACHE:-/var/tmp/reconcile-lab-cache}
DISK_MIB=2048          # virtual size; nodes get larger overlays, growpart fills them
PART_START=2048        # sectors: the 1 MiB gap before the partition holds GRUB's core.img

PKGS=(
  # linux-image-cloud-amd64: virtio and little else, so a small initramfs
  # and fewer modules for udev to probe under TCG.
  linux-image-cloud-amd64 initramfs-tools zstd
  systemd-sysv udev dbus libpam-systemd e2fsprogs netbase
  # ifupdown + isc-dhcp-client, as in Debian's own bookworm cloud images:
  # cloud-init 22.4 prefers its "eni" renderer when ifupdown is present,
  # isc-dhcp-client is a hard dependency of cloud-init anyway, and
  # dhclient-script writes the DHCP server's DNS to /etc/resolv.conf
  # (systemd-networkd would need the separate systemd-resolved for that).
  ifupdown isc-dhcp-client iproute2
  cloud-init cloud-guest-utils sudo
  openssh-server openssh-sftp-server   # reconcile pushes files over SFTP
  qemu-guest-agent
  slurm-wlm slurm-client munge
)
KEY=$(cat "$0" | sha256sum | cut -c1-16)
OUT=$CACHE/debian-12-$KEY
if [ -s "$OUT/debian-12.qcow2" ]; then echo "$OUT"; exit 0; fi

mkdir -p "$CACHE"
# Older builds of this script are stale: remove them, and only them.
find "$CACHE" -mindepth 1 -maxdepth 1 -type d -name 'debian-12-*' ! -name "debian-12-$KEY" -exec rm -rf {} +
TMP=$(mktemp -d "$CACHE/.debian-12.XXXXXX")
# mmdebstrap's root mode mounts /proc, /sys and /dev inside the tree while it
# works; never rm -rf through a mount it may have left behind.
cleanup() {
  if findmnt -rn -o TARGET | grep -q "^$TMP/"; then
    echo "build-debian-image: mounts left under $TMP; not removing it" >&2
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
ROOT=$TMP/root
UUID=$(cat /proc/sys/kernel/random/uuid)
MIRROR=http://deb.debian.org

# The initramfs carries only what finds the root on a virtio disk (ext4 is
# built into the cloud kernel): a few MB instead of 13 with MODULES=most,
# which GRUB reads through BIOS calls, slowly under TCG. In place before the
# kernel package runs update-initramfs, so it is built once; kept in the
# image, so kernel upgrades inside a guest do the same.
echo 'MODULES=list' > "$TMP/initramfs.conf"
cat > "$TMP/reconcile-virtio" <<'EOF'
#!/bin/sh
# reconcile image: the root disk's drivers (virtio-blk, or virtio-scsi);
# udev in the initramfs loads them by modalias.
case "$1" in prereqs) exit 0 ;; esac
. /usr/share/initramfs-tools/hook-functions
manual_add_modules virtio_pci virtio_blk virtio_scsi sd_mod
EOF
chmod 0755 "$TMP/reconcile-virtio"

# --variant=apt: Essential packages plus apt; everything else is listed.
# The merged-usr hook lays out merged /usr and satisfies the Essential
# init-system-helpers' "usrmerge | usr-is-merged" with usr-is-merged: apt
# would take usrmerge, which pulls in perl (~50 MB).
# The apt and dpkg options are also written into the image, so packages a
# role installs later stay without recommends and without docs.
mmdebstrap --mode=root --variant=apt --format=directory \
  --aptopt='APT::Install-Recommends "false"' --aptopt='APT::Install-Suggests "false"' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --dpkgopt='path-exclude=/usr/share/lintian/*' \
  --include="$(IFS=,; echo "${PKGS[*]}")" \
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/etc/initramfs-tools/hooks"' \
  --essential-hook="copy-in $TMP/initramfs.conf /etc/initramfs-tools/conf.d" \
  --essential-hook="copy-in $TMP/reconcile-virtio /etc/initramfs-tools/hooks" \
  bookworm "$ROOT" \
  "deb $MIRROR/debian bookworm main" \
  "deb $MIRROR/debian bookworm-updates main" \
  "deb $MIRROR/debian-security bookworm-security main" >&2

# --- generic identity: every guest makes or receives its own ---
rm -f "$ROOT"/etc/ssh/ssh_host_* "$ROOT/etc/munge/munge.key" \
      "$ROOT/var/lib/systemd/random-seed" "$ROOT/var/lib/dbus/machine-id"
: > "$ROOT/etc/machine-id"            # empty: systemd makes one at first boot
: > "$ROOT/etc/resolv.conf"           # mmdebstrap copied the build host's
echo localhost > "$ROOT/etc/hostname" # cloud-init sets the seeded name
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$ROOT/etc/hosts"
echo 'LANG=C.UTF-8' > "$ROOT/etc/default/locale"
printf 'auto lo\niface lo inet loopback\n\nsource /etc/network/interfaces.d/*\n' > "$ROOT/etc/network/interfaces"
echo "UUID=$UUID / ext4 errors=remount-ro 0 1" > "$ROOT/etc/fstab"
rm -rf "$ROOT"/var/log/*.log "$ROOT"/var/log/apt/* "$ROOT"/var/cache/apt/* "$ROOT"/tmp/*

# --- cloud-init: NoCloud seed only, nothing fetched at boot ---
cat > "$ROOT/etc/cloud/cloud.cfg.d/90_reconcile.cfg" <<'EOF'
# reconcile's generic image (tests/lab/build-debian-image.sh).
# The seed is a local disk labelled cidata: never probe network metadata
# services (169.254.169.254). None keeps cloud-init's defaults without one.
datasource_list: [ NoCloud, None ]
# No apt traffic at boot: roles install what a node needs.
package_update: false
package_upgrade: false
package_reboot_if_required: false
# C.UTF-8 is built in: cloud-init's default en_US.UTF-8 runs locale-gen,
# seconds of CPU under TCG.
locale: C.UTF-8
# The seeded hostname resolves (127.0.1.1) without DNS: sudo and slurmd
# look it up, and an unreachable resolver would stall them.
manage_etc_hosts: true
# No time servers: none is reachable from an isolated network anyway.
ntp:
  enabled: false
# No grub-pc package here (GRUB is installed by the image builder).
grub_dpkg:
  enabled: false
EOF

# --- units: a fresh guest runs no SLURM daemon and is not "degraded" ---
# e2scrub only checks LVM snapshots (there is no LVM) and costs seconds of
# the only vCPU under TCG; apt's timers would reach for mirrors.
systemctl --root="$ROOT" disable slurmctld.service slurmd.service munge.service \
  apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service >&2

# --- boot: GRUB reads grub.cfg from the root filesystem; /vmlinuz and
# /initrd.img are the symlinks the kernel package keeps current ---
[ -e "$ROOT/vmlinuz" ] && [ -e "$ROOT/initrd.img" ] || { echo "no /vmlinuz or /initrd.img" >&2; exit 1; }
mkdir -p "$ROOT/boot/grub"
cat > "$ROOT/boot/grub/grub.cfg" <<EOF
set default=0
set timeout=0
menuentry 'Debian 12' {
  linux /vmlinuz root=UUID=$UUID ro console=tty0 console=ttyS0,115200n8
  initrd /initrd.img
}
EOF
# Run by core.img's rescue parser before normal mode: find the root
# filesystem by UUID, whichever BIOS disk it is.
cat > "$TMP/early.cfg" <<EOF
search.fs_uuid $UUID root
set prefix=(\$root)/boot/grub
EOF
# Every module normal mode needs is built in: no /boot/grub/i386-pc.
grub-mkimage -O i386-pc -o "$TMP/core.img" -c "$TMP/early.cfg" -p /boot/grub \
  biosdisk part_msdos ext2 search_fs_uuid normal linux configfile echo test
(( $(stat -c %s "$TMP/core.img") < (PART_START - 1) * 512 )) || { echo "core.img too large" >&2; exit 1; }

# --- disk: MBR, one bootable Linux partition from 1 MiB to the end ---
mkdir "$TMP/out"
truncate -s "${DISK_MIB}M" "$TMP/disk.raw"
printf 'label: dos\nstart=%d, type=83, bootable\n' "$PART_START" | sfdisk -q "$TMP/disk.raw"
# Keep GRUB 2.06 able to read it: features newer e2fsprogs may default to.
mkfs.ext4 -q -F -L root -U "$UUID" -O ^metadata_csum_seed,^orphan_file \
  -d "$ROOT" "$TMP/root.ext4" "$(( DISK_MIB * 1024 - PART_START / 2 ))k" >&2  # -q still prints a line
dd if="$TMP/root.ext4" of="$TMP/disk.raw" bs=512 seek="$PART_START" conv=notrunc,sparse status=none
# boot.img's first 440 bytes only: the disk signature and partition table stay.
dd if=/usr/lib/grub/i386-pc/boot.img of="$TMP/disk.raw" bs=440 count=1 conv=notrunc status=none
dd if="$TMP/core.img" of="$TMP/disk.raw" bs=512 seek=1 conv=notrunc status=none

# Compressed (zlib, which every QEMU reads): QEMU inflates a cluster on host
# CPU when an overlay first reads it, which costs no measurable boot time.
qemu-img convert -c -f raw -O qcow2 "$TMP/disk.raw" "$TMP/out/debian-12.qcow2"
chmod 0644 "$TMP/out/debian-12.qcow2"
# Atomic: a concurrent build that finished first wins, and this one is dropped.
mv -T "$TMP/out" "$OUT" 2>/dev/null || [ -s "$OUT/debian-12.qcow2" ]
echo "$OUT"
