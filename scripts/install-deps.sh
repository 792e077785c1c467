#!/usr/bin/env bash
# Installs everything the project needs to build and run all of its tests on
# Debian 12 (bookworm). Idempotent: packages already present are skipped, and
# apt is not touched at all when nothing is missing. Needs root (or sudo).
set -euo pipefail

BUILD=(
  build-essential cmake ninja-build ccache pkg-config git
  clang libclang-rt-14-dev                           # libFuzzer + sanitizers
  libvirt-dev libssh-dev libgit2-dev libyaml-cpp-dev libfmt-dev libabsl-dev
  libgtest-dev libgmock-dev libcli11-dev nlohmann-json3-dev libspdlog-dev
  libbenchmark-dev libcpp-httplib-dev
  nix-bin                                            # scripts/check-nix.sh parses nix/
  openssh-client                                     # ssh-keygen: quickstart's throwaway key
  python3-jsonschema                                 # tests/cli/json_schema: plan/status JSON vs docs/*.schema.json
)
# The lab: a real libvirtd + QEMU (TCG) booting tiny guests, sshd fleets in
# network namespaces (see tests/lab/README.md). The qemu+ssh remote host
# (start-remote-host.sh) needs nothing more: virt-ssh-helper is in
# libvirt-daemon, sshd in openssh-server, nsenter and unshare in util-linux.
LAB=(
  libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 ovmf
  dnsmasq-base iproute2 iptables busybox-static dropbear-bin
  openssh-server openssh-sftp-server qemu-guest-agent sudo
  cpio xz-utils kmod linux-image-amd64 genisoimage qemu-utils bc procps util-linux
  graphviz                                           # tests check `reconcile graph` with dot
  chromium                                           # the watch status page, in a headless browser
  prometheus                                         # a real scrape of /metrics, promtool check metrics
  gdb                                                # tests/lab/bounded.sh: thread stacks of a hung CLI call
  # tests/lab/build-debian-image.sh: a generic Debian 12 disk image, no loop devices
  mmdebstrap e2fsprogs fdisk grub-pc-bin grub-common
)

# Benchmark comparisons only (bench/compare-probe.sh, bench/fleet-compare.sh), installed with --bench;
# CI does not run benchmarks.
BENCH=(ansible ansible-mitogen)

want=("${BUILD[@]}")
[[ ${1:-} == --build-only ]] || want+=("${LAB[@]}")
[[ " $* " != *" --bench "* ]] || want+=("${BENCH[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if (( ${#missing[@]} == 0 )); then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi

SUDO=""
(( EUID == 0 )) || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
