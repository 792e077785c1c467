#!/usr/bin/env bash
# fleet-compare.sh - configuring N existing machines through the real CLI,
# beside Ansible doing the same work, in the same run, on the same sshd fleet
# (tests/lab/fleet.sh: one network namespace and sshd per node).
#
# The work: the first node makes a token (a command guarded by a check) and
# the token is read from it as an output; then every node gets a templated
# file carrying its name and that token, and runs a command guarded by a check.
# Host keys are verified by every tool (one known_hosts file).
#
#   reconcile   `apply` cold (empty nodes), `apply` no-op (converged; a new
#               process, so new connections), then `watch`: its first pass
#               (cold connections) and a warm pass, read from its own /metrics;
#               peak RSS (VmHWM) and open file descriptors of the watch process
#   ansible     `ansible-playbook` cold and no-op: pipelining, ControlPersist
#               (the no-op run reuses the cold run's masters), forks = N, no
#               fact gathering; once with the linear strategy and once with
#               mitogen_linear (Debian's ansible-mitogen) when it loads
#   floor       OpenSSH: N parallel `ssh node true` (the nodes' own sshd login
#               cost, a process per node); libssh: bench/libssh_floor, one
#               login + one command per node, no reconcile code
# Prints one table per run with ratios. Figures only: nothing is asserted.
#
# usage (root): bench/fleet-compare.sh [-n "50 200 500"] [-a "50 200"] [-m "50 200 500"]
#                                      [-b BUILD_DIR]
#   -n  fleet sizes (default "50 200 500")
#   -a  sizes Ansible's linear strategy runs at (default "50 200": at 500 it
#       needs ~1 CPU-second per host and task on this machine)
#   -m  sizes the mitogen strategy runs at (default: every size)
# Needs: the lab packages and ansible + ansible-mitogen (scripts/install-deps.sh --bench);
# build: ninja -C BUILD_DIR reconcile libssh_floor
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES="50 200 500" ANSIBLE_SIZES="50 200" MITOGEN_SIZES= BUILD=$ROOT/build
while getopts "n:a:m:b:" opt; do
  case $opt in
    n) SIZES=$OPTARG ;; a) ANSIBLE_SIZES=$OPTARG ;; m) MITOGEN_SIZES=$OPTARG ;; b) BUILD=$OPTARG ;;
    *) sed -n '2,/^set /s/^# \{0,1\}//p' "$0" >&2; exit 64 ;;
  esac
done
MITOGEN_SIZES=${MITOGEN_SIZES:-$SIZES}
(( EUID == 0 )) || { echo "fleet-compare: must run as root (network namespaces)" >&2; exit 1; }
RECONCILE=$BUILD/cli/reconcile FLOOR=$BUILD/bench/libssh_floor
for bin in "$RECONCILE" "$FLOOR"; do
  [[ -x $bin ]] || { echo "fleet-compare: build $bin first" >&2; exit 1; }
done
command -v ansible-playbook >/dev/null ||
  { echo "fleet-compare: ansible missing (scripts/install-deps.sh --bench)" >&2; exit 1; }
MITOGEN_DIR=/usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy

# A fleet of its own: never collides with the tests' fleets or compare-probe's.
export FLEET_DIR=/tmp/reconcile-fleet-compare FLEET_PREFIX=rcq- FLEET_NET=10.217 FLEET_BRIDGE=rcqbr0
FLEET=$ROOT/tests/lab/fleet.sh
WORK=$(mktemp -d /tmp/fleet-compare.XXXXXX)
WATCH_PID=
cleanup() {
  [[ -n $WATCH_PID ]] && kill "$WATCH_PID" 2>/dev/null && wait "$WATCH_PID" 2>/dev/null
  close_masters
  "$FLEET" down --purge >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
close_masters() {
  local s
  for s in "$WORK"/cp/*; do [[ -S $s ]] && ssh -o ControlPath="$s" -O exit x >/dev/null 2>&1; done
  return 0
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }
ratio() { if [[ $1 == - || $2 == - ]]; then echo -; else printf '%.1fx' "$(echo "$1 / $2" | bc -l)"; fi; }
log() { echo "fleet-compare: $*" >&2; }

# Every node empty again: no bench files, no reconcile state.
reset_nodes() { rm -rf "$FLEET_DIR"/run/nodes/*/home/bench.* "$FLEET_DIR"/run/nodes/*/home/.reconcile-state; }

# Each node must hold the file with its own name and the first node's token.
verify_nodes() {  # $1 tool, $2 "reconcile" or "ansible" (how nodes are named in the file)
  local token k bad=0 want
  token=$(cat "$FLEET_DIR/run/nodes/${FLEET_PREFIX}1/home/bench.token" 2>/dev/null) || token=
  [[ -n $token ]] || { log "$1: no token on the first node"; return 1; }
  for (( k = 1; k <= N; k++ )); do
    if [[ $2 == reconcile ]]; then
      if (( k == 1 )); then want="node=bench-first-1"; else want="node=bench-rest-$(( k - 1 ))"; fi
    else
      want="node=$FLEET_PREFIX$k"
    fi
    local home=$FLEET_DIR/run/nodes/$FLEET_PREFIX$k/home
    if [[ $(cat "$home/bench.conf" 2>/dev/null) != "$want"$'\n'"token=$token" || ! -e $home/bench.enabled ]]; then
      bad=$(( bad + 1 ))
    fi
  done
  (( bad == 0 )) || { log "$1: $bad of $N nodes not configured"; return 1; }
}

write_reconcile_spec() {  # the work, as reconcile's spec
  local k rest=()
  for (( k = 2; k <= N; k++ )); do rest+=("$(addr "$k")"); done
  local IFS=,
  cat > "$WORK/fleet.yaml" <<YAML
cluster: bench
hypervisor: { uri: 'test:///default' }
ssh:
  user: root
  identity: $FLEET_DIR/keys/id_ed25519
  known_hosts: $WORK/known_hosts
  state_dir: /root/.reconcile-state
  connect_timeout: 30s
groups:
  first: { hosts: [$(addr 1)], roles: [token, app] }
  rest: { hosts: [${rest[*]}], roles: [app] }
roles:
  token:
    steps:
      - name: make
        check: test -s /root/bench.token
        run: head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \\n' > /root/bench.token
    outputs:
      token: cat /root/bench.token
  app:
    after: [token]
    steps:
      - name: config
        files:
          - path: /root/bench.conf
            content: "node={{ self.name }}\\ntoken={{ role.token.outputs.token }}\\n"
      - name: enable
        check: test -e /root/bench.enabled
        run: grep -q '^token=' /root/bench.conf && touch /root/bench.enabled
policy: { parallel: $N, retries: 0, interval: 2s }
YAML
}

write_ansible_playbook() {  # the same work, as Ansible does it
  local k
  {
    echo "[first]"; echo "${FLEET_PREFIX}1 ansible_host=$(addr 1)"
    echo "[rest]"; for (( k = 2; k <= N; k++ )); do echo "$FLEET_PREFIX$k ansible_host=$(addr "$k")"; done
  } > "$WORK/inventory.ini"
  cat > "$WORK/bench.conf.j2" <<'J2'
node={{ inventory_hostname }}
token={{ hostvars[groups['first'][0]].token.stdout }}
J2
  cat > "$WORK/site.yml" <<'YAML'
- hosts: first
  gather_facts: false
  tasks:
    - name: make
      shell: head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > /root/bench.token
      args: { creates: /root/bench.token }
    - name: token
      command: cat /root/bench.token
      register: token
      changed_when: false
- hosts: all
  gather_facts: false
  tasks:
    - name: config
      template: { src: bench.conf.j2, dest: /root/bench.conf, mode: "0644" }
    - name: enable
      shell: grep -q '^token=' /root/bench.conf && touch /root/bench.enabled
      args: { creates: /root/bench.enabled }
YAML
  cat > "$WORK/ansible.cfg" <<EOF
[defaults]
forks = $N
interpreter_python = /usr/bin/python3
remote_user = root
private_key_file = $FLEET_DIR/keys/id_ed25519
strategy_plugins = $MITOGEN_DIR
timeout = 60
[ssh_connection]
pipelining = True
ssh_args = -o ControlMaster=auto -o ControlPersist=600s -o UserKnownHostsFile=$WORK/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes
control_path_dir = $WORK/cp
EOF
}

addr() { local i=$(( $1 - 1 )); echo "$FLEET_NET.$(( i / 250 + 1 )).$(( i % 250 + 1 ))"; }

# One ansible-playbook run; prints its wall seconds or "-" when it failed.
ansible_run() {  # $1 strategy, $2 label
  local t0 t
  t0=$(now)
  if ANSIBLE_STRATEGY=$1 ansible-playbook -i "$WORK/inventory.ini" "$WORK/site.yml" \
       > "$WORK/ansible.$2.log" 2>&1; then
    t=$(elapsed "$t0")
    log "ansible $2 N=$N: ${t}s ($(grep -A2 'PLAY RECAP' "$WORK/ansible.$2.log" | tail -1 | tr -s ' '))"
    printf '%.2f' "$t"
  else
    log "ansible $2 N=$N failed:"; tail -5 "$WORK/ansible.$2.log" >&2
    echo -
  fi
}

# Reads a sample of reconcile's /metrics.
metric() { sed -n "s/^$1 \(.*\)/\1/p" <<<"$2"; }

mkdir -p "$WORK/cp" "$WORK/locks"
export ANSIBLE_CONFIG=$WORK/ansible.cfg ANSIBLE_LOCAL_TEMP=$WORK/ansible-tmp
# Does mitogen load with Debian's Ansible? (0.3.3 checks the Ansible version.)
MITOGEN=no
if [[ -d $MITOGEN_DIR ]]; then
  N=1 write_ansible_playbook
  if ANSIBLE_STRATEGY=mitogen_linear ansible-playbook -i localhost, --list-tasks "$WORK/site.yml" \
       > "$WORK/mitogen-check.log" 2>&1; then
    MITOGEN=yes
  else
    log "mitogen_linear does not load with $(ansible --version | head -1):"
    grep -iE "error|mitogen" "$WORK/mitogen-check.log" | head -3 >&2
  fi
fi

"$FLEET" down --purge >/dev/null 2>&1 || true
rows=() extra=()
for N in $SIZES; do
  "$FLEET" up "$N" >/dev/null 2>&1 || { log "fleet up $N failed (see $FLEET_DIR/run)"; exit 1; }
  "$FLEET" inventory --list > "$WORK/nodes.txt"
  "$FLEET" inventory --ssh-config > "$WORK/ssh_config"
  : > "$WORK/known_hosts"
  for (( k = 1; k <= N; k++ )); do
    echo "$(addr "$k") $(cat "$FLEET_DIR/keys/hostkeys/$FLEET_PREFIX$k.pub")" >> "$WORK/known_hosts"
  done
  write_reconcile_spec
  write_ansible_playbook

  # Floor: the nodes' own login cost through OpenSSH, then bare libssh.
  t0=$(now); fails=0
  while read -r name _; do
    ssh -n -F "$WORK/ssh_config" -o BatchMode=yes "$name" true >/dev/null 2>&1 &
  done < "$WORK/nodes.txt"
  for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
  openssh=$(printf '%.2f' "$(elapsed "$t0")")
  log "openssh logins N=$N: ${openssh}s, $fails failed"
  out=$("$FLOOR" --nodes "$WORK/nodes.txt" --key "$FLEET_DIR/keys/id_ed25519" \
        --known-hosts "$WORK/known_hosts" --parallel "$N" --command true) || log "libssh floor: $out"
  libssh=$(sed -n 's/.*cold_s=\([0-9.]*\).*/\1/p' <<<"$out")
  log "libssh floor N=$N: $out"

  # reconcile: cold apply, no-op apply, then watch passes from its metrics.
  reset_nodes
  t0=$(now)
  "$RECONCILE" apply "$WORK/fleet.yaml" --lock-dir "$WORK/locks" > "$WORK/apply.log" 2>&1 ||
    { log "reconcile apply N=$N failed:"; tail -5 "$WORK/apply.log" >&2; exit 1; }
  rc_cold=$(printf '%.2f' "$(elapsed "$t0")")
  verify_nodes reconcile reconcile
  t0=$(now)
  "$RECONCILE" apply "$WORK/fleet.yaml" --lock-dir "$WORK/locks" > "$WORK/noop.log" 2>&1
  rc_noop=$(printf '%.2f' "$(elapsed "$t0")")
  grep -q "converged" "$WORK/noop.log" || { log "no-op apply N=$N was not a no-op:"; tail -5 "$WORK/noop.log" >&2; }
  log "reconcile N=$N: apply cold ${rc_cold}s, no-op ${rc_noop}s"

  "$RECONCILE" watch "$WORK/fleet.yaml" --lock-dir "$WORK/locks" --listen 127.0.0.1:0 \
    > /dev/null 2> "$WORK/watch.log" &
  WATCH_PID=$!
  port=
  for _ in $(seq 300); do
    port=$(sed -n 's/.*serving .* on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/watch.log")
    [[ -n $port ]] && break
    sleep 0.1
  done
  first_pass=- warm_pass=- rss=- fds=-
  for _ in $(seq 600); do
    metrics=$(curl -s "http://127.0.0.1:$port/metrics" || true)
    passes=$(metric 'reconcile_watch_passes_total{result="converged"}' "$metrics")
    passes=${passes:-0}
    if (( passes >= 1 )) && [[ $first_pass == - ]]; then
      first_pass=$(metric reconcile_watch_last_pass_duration_seconds "$metrics")
    fi
    if (( passes >= 4 )); then
      warm_pass=$(metric reconcile_watch_last_pass_duration_seconds "$metrics")
      rss=$(awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$WATCH_PID/status")
      fds=$(find "/proc/$WATCH_PID/fd" -mindepth 1 | wc -l)
      break
    fi
    sleep 0.1
  done
  kill -TERM "$WATCH_PID"; wait "$WATCH_PID" || true; WATCH_PID=
  first_pass=$(printf '%.3f' "${first_pass/-/0}") warm_pass=$(printf '%.3f' "${warm_pass/-/0}")
  log "reconcile watch N=$N: first pass ${first_pass}s, warm pass ${warm_pass}s, peak RSS ${rss} MB, ${fds} fds"
  grep -E "pass [0-9]+:" "$WORK/watch.log" | tail -2 >&2

  # Ansible, each strategy from empty nodes and without masters.
  ans_cold=- ans_noop=- mit_cold=- mit_noop=-
  if [[ " $ANSIBLE_SIZES " == *" $N "* ]]; then
    reset_nodes; close_masters
    ans_cold=$(ansible_run linear linear-cold)
    [[ $ans_cold == - ]] || verify_nodes "ansible linear" ansible || ans_cold=-
    ans_noop=$(ansible_run linear linear-noop)
  fi
  if [[ $MITOGEN == yes && " $MITOGEN_SIZES " == *" $N "* ]]; then
    reset_nodes; close_masters
    mit_cold=$(ansible_run mitogen_linear mitogen-cold)
    [[ $mit_cold == - ]] || verify_nodes "ansible mitogen" ansible || mit_cold=-
    mit_noop=$(ansible_run mitogen_linear mitogen-noop)
  fi
  close_masters
  best_cold=$(printf '%s\n' "$ans_cold" "$mit_cold" | { grep -v '^-$' || true; } | sort -g | head -1)
  best_noop=$(printf '%s\n' "$ans_noop" "$mit_noop" | { grep -v '^-$' || true; } | sort -g | head -1)
  rows+=("$(printf '| %4d | %6s | %6s | %7s | %7s | %7s | %7s | %7s | %7s | %6s | %6s | %6s | %6s |' \
    "$N" "$rc_cold" "$rc_noop" "$first_pass" "$warm_pass" "$ans_cold" "$ans_noop" "$mit_cold" "$mit_noop" \
    "$openssh" "$libssh" "$(ratio "${best_cold:--}" "$rc_cold")" "$(ratio "${best_noop:--}" "$rc_noop")")")
  extra+=("N=$N: watch peak RSS $rss MB, $fds open fds; first watch pass / libssh floor $(ratio "$first_pass" "$libssh")")
done

echo
echo "fleet-compare, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average now $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Wall seconds. mitogen: $MITOGEN. Ratios: the best Ansible run / reconcile apply."
echo "|    N | apply cold | apply no-op | watch 1st pass | watch warm pass | Ansible cold | Ansible no-op | mitogen cold | mitogen no-op | OpenSSH logins | libssh floor | best Ansible / cold apply | best Ansible / no-op apply |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
printf '%s\n' "${extra[@]}"
