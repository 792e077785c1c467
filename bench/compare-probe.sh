#!/usr/bin/env bash
# compare-probe.sh - one probe pass over a real sshd fleet, measured in the same
# run with: the SSH driver (bench/probe_bench: cold = new connections, warm =
# pooled sessions), a plain OpenSSH fan-out (`ssh ... &` per node, then wait;
# warm = the same over a ControlPersist master per node)
# and Ansible (`ansible all -m command`, pipelining on, ControlPersist; its
# first run opens the masters, the second reuses them). Prints a table with
# ratios. Figures only: nothing here is asserted.
#
# usage (root): bench/compare-probe.sh [-n "10 50 200"] [-a "10 50"] [-b BUILD_DIR]
#   -n  fleet sizes to measure (default "10 50 200")
#   -a  sizes Ansible also runs at (default "10 50": it needs minutes at 200)
#   -b  build dir holding bench/probe_bench (default ./build)
# Needs: tests/lab/fleet.sh's packages, ansible (scripts/install-deps.sh --bench).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES="10 50 200" ANSIBLE_SIZES="10 50" BUILD=$ROOT/build
while getopts "n:a:b:" opt; do
  case $opt in
    n) SIZES=$OPTARG ;; a) ANSIBLE_SIZES=$OPTARG ;; b) BUILD=$OPTARG ;;
    *) sed -n '2,/^set /s/^# \{0,1\}//p' "$0" >&2; exit 64 ;;
  esac
done
(( EUID == 0 )) || { echo "compare-probe: must run as root (network namespaces)" >&2; exit 1; }
PROBE_BENCH=$BUILD/bench/probe_bench
[[ -x $PROBE_BENCH ]] || { echo "compare-probe: build probe_bench first ($PROBE_BENCH)" >&2; exit 1; }
command -v ansible >/dev/null || { echo "compare-probe: ansible missing (install-deps.sh --bench)" >&2; exit 1; }

# A fleet of its own: never collides with the tests' (rcft-) or a manual one (rcf-).
export FLEET_DIR=/tmp/reconcile-ssh-bench-fleet FLEET_PREFIX=rcb- FLEET_NET=10.216 FLEET_BRIDGE=rcbbr0
FLEET=$ROOT/tests/lab/fleet.sh
WORK=$(mktemp -d /tmp/compare-probe.XXXXXX)
cleanup() {
  local s
  for s in "$WORK"/cp/*; do [[ -S $s ]] && ssh -o ControlPath="$s" -O exit x >/dev/null 2>&1; done
  "$FLEET" down --purge >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The command every tool runs: the node facts the probe gathers.
CMD='cat /proc/sys/kernel/hostname /proc/sys/kernel/random/boot_id /proc/uptime'

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }
ratio() { if [[ $1 == - || $2 == - ]]; then echo -; else printf '%.1fx' "$(echo "$1 / $2" | bc -l)"; fi; }

mkdir -p "$WORK/cp"
cat > "$WORK/ansible.cfg" <<EOF
[defaults]
host_key_checking = False
forks = 50
interpreter_python = /usr/bin/python3
[ssh_connection]
pipelining = True
ssh_args = -o ControlMaster=auto -o ControlPersist=120s
control_path_dir = $WORK/cp
EOF
export ANSIBLE_CONFIG=$WORK/ansible.cfg ANSIBLE_LOCAL_TEMP=$WORK/ansible-tmp

"$FLEET" down --purge >/dev/null 2>&1 || true
rows=()
for N in $SIZES; do
  "$FLEET" up "$N" >/dev/null 2>&1
  "$FLEET" inventory --list > "$WORK/nodes.txt"
  "$FLEET" inventory --ssh-config > "$WORK/ssh_config"

  out=$("$PROBE_BENCH" --nodes "$WORK/nodes.txt" --key "$FLEET_DIR/keys/id_ed25519" \
        --hostkeys "$FLEET_DIR/keys/hostkeys" --parallel 64 --warm 5)
  echo "probe_bench N=$N: $out" >&2
  cold=$(sed -n 's/.*cold_s=\([0-9.]*\).*/\1/p' <<<"$out")
  warm=$(sed -n 's/.*warm_median_s=\([0-9.]*\).*/\1/p' <<<"$out")

  t0=$(now); fails=0
  while read -r name _; do
    ssh -n -F "$WORK/ssh_config" -o BatchMode=yes "$name" "$CMD" >/dev/null 2>&1 &
  done < "$WORK/nodes.txt"
  for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
  openssh=$(elapsed "$t0")
  echo "openssh N=$N: ${openssh}s, $fails failed" >&2

  # OpenSSH warm: one master connection per node kept open (ControlPersist),
  # then a pass of sessions over them: the like-for-like of our warm pass.
  mux=(-o ControlMaster=auto -o "ControlPath=$WORK/cp/o-%n" -o ControlPersist=120s)
  while read -r name _; do
    ssh -n -F "$WORK/ssh_config" -o BatchMode=yes "${mux[@]}" "$name" true >/dev/null 2>&1 &
  done < "$WORK/nodes.txt"
  wait || true
  t0=$(now); fails=0
  while read -r name _; do
    ssh -n -F "$WORK/ssh_config" -o BatchMode=yes "${mux[@]}" "$name" "$CMD" >/dev/null 2>&1 &
  done < "$WORK/nodes.txt"
  for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
  openssh_warm=$(elapsed "$t0")
  echo "openssh warm N=$N: ${openssh_warm}s, $fails failed" >&2

  ans_cold=- ans_warm=-
  if [[ " $ANSIBLE_SIZES " == *" $N "* ]]; then
    for run in cold warm; do
      t0=$(now)
      if ! ansible all -i "$FLEET_DIR/run/inventory.ini" -m command -a "$CMD" > "$WORK/ansible.$run" 2>&1; then
        echo "ansible N=$N $run: some nodes failed:" >&2; grep -v CHANGED "$WORK/ansible.$run" | head -5 >&2
      fi
      t=$(elapsed "$t0")
      echo "ansible N=$N $run: ${t}s ($(grep -c CHANGED "$WORK/ansible.$run" || true) ok)" >&2
      t=$(printf '%.2f' "$t")
      if [[ $run == cold ]]; then ans_cold=$t; else ans_warm=$t; fi
    done
  fi
  rows+=("$(printf '| %4d | %7.2f | %7.3f | %7.2f | %7.3f | %7s | %7s | %8s | %8s | %8s | %8s |' "$N" \
    "$cold" "$warm" "$openssh" "$openssh_warm" "$ans_cold" "$ans_warm" \
    "$(ratio "$openssh" "$cold")" "$(ratio "$openssh_warm" "$warm")" \
    "$(ratio "$ans_warm" "$cold")" "$(ratio "$ans_warm" "$warm")")")
done

echo
echo "Wall seconds for one pass over N nodes (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "|    N | ours cold | ours warm | OpenSSH | OpenSSH warm | Ansible 1st | Ansible warm | OpenSSH/ours cold | OpenSSH warm/ours warm | Ans.warm/ours cold | Ans.warm/ours warm |"
echo "|------|------|------|------|------|------|------|------|------|------|------|"
printf '%s\n' "${rows[@]}"
