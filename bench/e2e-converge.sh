#!/usr/bin/env bash
# e2e-converge.sh - empty -> converged for 3 real QEMU guests on the lab,
# beside the floor measured by the same harness: the same 3 guests defined and
# started by `reconcile apply` of a spec without roles, then polled until each
# answers SSH (define + start + first successful SSH, no configuration). Then
# the cost of a no-op watch pass, read from `reconcile watch --listen`'s own
# /metrics (reconcile_watch_last_pass_duration_seconds, warm SSH sessions).
# Prints key=value lines (floor_s, converge_s, ratio, noop_pass_s).
#
# usage (root, under the lab lock):
#   flock /tmp/reconcile-lab.lock bench/e2e-converge.sh [-b BUILD_DIR]
# Its own lab (netns rcb-lab, 10.79.0.0/24, /tmp/reconcile-bench-lab), torn
# down on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
while getopts "b:" opt; do
  case $opt in b) BUILD=$OPTARG ;; *) sed -n '2,/^set /s/^# \{0,1\}//p' "$0" >&2; exit 64 ;; esac
done
(( EUID == 0 )) || { echo "e2e-converge: must run as root" >&2; exit 1; }
RECONCILE=$BUILD/cli/reconcile
[[ -x $RECONCILE ]] || { echo "e2e-converge: build $RECONCILE first" >&2; exit 1; }

export LAB_DIR=/tmp/reconcile-bench-lab NS=rcb-lab NET=rcb-lab SUBNET=10.79.0
WORK=$(mktemp -d /tmp/e2e-converge.XXXXXX)
WATCH_PID=
cleanup() {
  [[ -n $WATCH_PID ]] && kill "$WATCH_PID" 2>/dev/null && wait "$WATCH_PID" 2>/dev/null
  "$ROOT/tests/lab/teardown.sh" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

"$ROOT/tests/lab/teardown.sh" >/dev/null 2>&1 || true
IMG=$("$ROOT/tests/lab/build-initramfs.sh" | tail -1)
URI=$("$ROOT/tests/lab/start-lab.sh" | tail -1)
ssh-keygen -q -t ed25519 -N '' -f "$WORK/id_ed25519"

# $1 cluster name, $2 "yes" to include the roles.
spec() {
  local roles_leader="" roles_member="" roles=""
  if [[ $2 == yes ]]; then
    roles_leader=", roles: [leader]" roles_member=", roles: [member]"
    roles=$(sed -n '/^roles:/,/^policy:/p' "$ROOT/specs/lab.yaml" | sed '$d')
  fi
  cat <<YAML
cluster: $1
hypervisor: { uri: "$URI", network: $NET, pool: rcl }
ssh: { user: root, identity: $WORK/id_ed25519, netns: $NS, connect_timeout: 10s }
images:
  tiny: { kernel: $IMG/vmlinux, initrd: $IMG/initramfs.cpio.gz, cmdline: console=ttyS0 panic=-1 quiet }
groups:
  leader: { count: 1, image: tiny, cpus: 1, memory: 256MiB$roles_leader }
  member: { count: 2, image: tiny, cpus: 1, memory: 256MiB$roles_member }
vars:
  greeting: hello from reconcile
$roles
policy: { prune: true, parallel: 4, retries: 3, interval: 2s }
YAML
}
spec floor no > "$WORK/floor.yaml"
spec conv yes > "$WORK/conv.yaml"
LOCKS=$WORK/locks

# Floor: create without configuration, then the first SSH login to each.
t0=$(now)
"$RECONCILE" apply "$WORK/floor.yaml" --lock-dir "$LOCKS" > "$WORK/floor.log" 2>&1
for node in floor-leader-1 floor-member-1 floor-member-2; do
  (
    until ip=$(virsh -q -c "$URI" domifaddr "$node" --source lease 2>/dev/null |
               awk '{print $4}' | cut -d/ -f1 | head -1) && [[ -n $ip ]] &&
          ip netns exec "$NS" ssh -n -i "$WORK/id_ed25519" -o BatchMode=yes -o ConnectTimeout=2 \
            -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "root@$ip" true 2>/dev/null; do
      sleep 0.2
    done
  ) &
done
wait
floor=$(elapsed "$t0")
echo "floor: $(grep -c . "$WORK/floor.log") log lines" >&2
for node in floor-leader-1 floor-member-1 floor-member-2; do
  virsh -q -c "$URI" destroy "$node" >/dev/null 2>&1 || true
done

# Empty -> converged with the roles (leader token, members join with it).
t0=$(now)
"$RECONCILE" apply "$WORK/conv.yaml" --lock-dir "$LOCKS" > "$WORK/conv.log" 2>&1 ||
  { cat "$WORK/conv.log" >&2; exit 1; }
converge=$(elapsed "$t0")
"$RECONCILE" plan "$WORK/conv.yaml" --detailed-exitcode > "$WORK/plan.log" 2>&1 ||
  { echo "e2e-converge: not converged after apply" >&2; cat "$WORK/plan.log" >&2; exit 1; }

# No-op watch passes on warm sessions, as the loop measures them itself.
"$RECONCILE" watch "$WORK/conv.yaml" --lock-dir "$LOCKS" --interval 2s --listen 127.0.0.1:0 \
  > /dev/null 2> "$WORK/watch.log" &
WATCH_PID=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/.*serving .* on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/watch.log")
  [[ -n $port ]] && break
  sleep 0.1
done
noop=- 
for _ in $(seq 60); do
  metrics=$(curl -s "http://127.0.0.1:$port/metrics" || true)
  passes=$(sed -n 's/^reconcile_watch_passes_total{result="converged"} \([0-9]*\)/\1/p' <<<"$metrics")
  if [[ -n $passes ]] && (( passes >= 4 )); then
    noop=$(sed -n 's/^reconcile_watch_last_pass_duration_seconds \(.*\)/\1/p' <<<"$metrics")
    break
  fi
  sleep 0.5
done
kill -TERM "$WATCH_PID"; wait "$WATCH_PID" || true; WATCH_PID=
grep -E "pass [0-9]+:" "$WORK/watch.log" | tail -3 >&2

printf 'floor_s=%.2f\nconverge_s=%.2f\nratio=%.2fx\nnoop_pass_s=%s\n' "$floor" "$converge" \
  "$(echo "$converge / $floor" | bc -l)" "$noop"
echo "load_average=$(cut -d' ' -f1-3 /proc/loadavg)"
