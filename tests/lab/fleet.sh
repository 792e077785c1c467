#!/usr/bin/env bash
# fleet.sh - a fleet of N real, independent sshd "hosts" on one Linux machine,
# the fixture of the SSH driver's integration tests and of bench/.
# (Adapted from the lab's reference script; names differ so both can coexist.)
#
# Node K = network namespace "rcf-K" + veth pair (root side "rcfvK" on bridge
# $BR, node side "eth0") + address in $FLEET_NET.0.0/16 + its own sshd (own
# config, ed25519 host key, pid file, log) running in private UTS and mount
# namespaces: hostname is "rcf-K", /etc/hostname reads "rcf-K", and /root is a
# per-node empty home. That keeps the host's dotfiles out and gives each node its
# own ~/.ansible. Every node accepts one generated ed25519 client key for root.
# The /16 exists only on the bridge (the root netns holds .0.1). Nodes have
# no default route and IPv6 is off, so fleet traffic never leaves the machine.
#
# Usage (root):  fleet.sh up N             converge to exactly N nodes (idempotent)
#                fleet.sh down [--purge]   remove everything; --purge also drops keys
#                fleet.sh stop K...        kill every process of node K (sshd and
#                                          its sessions); `up N` brings it back
#                fleet.sh status           rc 0 all healthy, 1 down, 2 degraded
#                fleet.sh inventory [--ini|--list|--ssh-config]
#                  --ini (default) Ansible INI, --list "name address port" lines,
#                  --ssh-config for `ssh -F`. Also kept as files in $FLEET_DIR/run/.
# Files: $FLEET_DIR/keys/id_ed25519 (client key), keys/hostkeys/rcf-K.pub.
# Env: FLEET_DIR (/tmp/reconcile-ssh-fleet)  FLEET_NET (10.214)  FLEET_BRIDGE (rcfbr0)
#      FLEET_PREFIX (rcf-: node names; the tests use another so they never collide)
#      FLEET_JOBS (nproc)      FLEET_MAX (1000: a Linux bridge takes <=1024 ports)
set -euo pipefail

FLEET_DIR=${FLEET_DIR:-/tmp/reconcile-ssh-fleet}
FLEET_NET=${FLEET_NET:-10.214}
BR=${FLEET_BRIDGE:-rcfbr0}
P=${FLEET_PREFIX:-rcf-}          # netns / node / host name prefix
V=${P//-/}v                      # root-side veth prefix (IFNAMSIZ: rcfv1000 fits)
[[ $P =~ ^[a-z][a-z0-9]{0,6}-$ ]] || { echo "fleet: FLEET_PREFIX must look like 'abc-'" >&2; exit 1; }
JOBS=${FLEET_JOBS:-}            # default nproc, computed when needed
MAX=${FLEET_MAX:-1000}
KEYS=$FLEET_DIR/keys            # client key + cached host keys (survive `down`)
RUN=$FLEET_DIR/run              # per-node state + generated inventories
SSHD=/usr/sbin/sshd
[[ $FLEET_DIR == /?* ]] || { echo "fleet: FLEET_DIR must be an absolute path" >&2; exit 1; }

die() { echo "fleet: $*" >&2; exit 1; }
log() { echo "fleet: $*" >&2; }

# addr_of K VAR: node K -> $FLEET_NET.<1+(K-1)/250>.<1+(K-1)%250>
addr_of() { local i=$(( $1 - 1 )); printf -v "$2" '%s.%d.%d' "$FLEET_NET" $(( i / 250 + 1 )) $(( i % 250 + 1 )); }

# True if PID exists and is not a zombie (PID 1 may reap late).
alive() {
  local s; { read -r s < "/proc/$1/stat"; } 2>/dev/null || return 1
  s=${s##*) }; [[ ${s%% *} != [ZX] ]]
}

# True if node K's sshd is alive inside netns rcf-K and its veth is on the
# bridge and up (builtins only: fast).
node_healthy() {
  local n=$P$1 pid comm st
  { read -r pid < "$RUN/nodes/$n/sshd.pid" && read -r comm < "/proc/$pid/comm" &&
    read -r st < "/sys/class/net/$V$1/operstate"; } 2>/dev/null || return 1
  [[ $comm == sshd && /proc/$pid/ns/net -ef /run/netns/$n && $st == up &&
     -e /sys/class/net/$V$1/brport ]]
}

# Node numbers owned by this fleet: state dirs plus veths still on our bridge.
known_nodes() {
  local d
  { for d in "$RUN/nodes/$P"*; do if [[ -d $d ]]; then echo "${d##*/"$P"}"; fi; done
    ip -o link show master "$BR" 2>/dev/null | sed -n "s/^[0-9]*: $V\([0-9]*\)@.*/\1/p" || true
  } | sort -nu
}

# remove_nodes K...: SIGTERM every process inside those netns (sshd + sessions),
# unpin the netns and let the kernel tear them down in one batch (veth ends go
# with them: 200 nodes in ~1.5s vs ~7s deleting veths one by one); stragglers get
# SIGKILL and an explicit `link del`.
remove_nodes() {
  (( $# )) || return 0
  local k pid ino link path deadline batch="" paths=() pids=() dirs=() left; local -A ns=()
  for k; do if [[ -e /run/netns/$P$k ]]; then paths+=("/run/netns/$P$k"); fi; done
  if (( ${#paths[@]} )); then
    while read -r ino; do ns["net:[$ino]"]=1; done < <(stat -c %i "${paths[@]}")
    while read -r link path; do                       # one pass over /proc
      if [[ -n ${ns[$link]:-} ]]; then pid=${path#/proc/}; pids+=("${pid%%/*}"); fi
    done < <(find /proc/[0-9]*/ns/net -maxdepth 0 -printf '%l %p\n' 2>/dev/null)
    (( ${#pids[@]} == 0 )) || kill -TERM "${pids[@]}" 2>/dev/null || true
    for path in "${paths[@]}"; do batch+="netns del ${path##*/}"$'\n'; done
    ip -force -batch - <<<"$batch" || true
  fi
  deadline=$(( SECONDS + 10 ))
  while :; do
    left=(); for k; do if [[ -e /sys/class/net/$V$k ]]; then left+=("$k"); fi; done
    if (( ${#left[@]} == 0 || SECONDS >= deadline )); then break; fi
    sleep 0.05
  done
  for pid in "${pids[@]}"; do if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi; done
  batch=""; for k in "${left[@]}"; do batch+="link del $V$k"$'\n'; done
  [[ -z $batch ]] || ip -force -batch - <<<"$batch" 2>/dev/null || true
  for k; do dirs+=("$RUN/nodes/$P$k"); done
  rm -rf "${dirs[@]}"
}

# stop_nodes K...: SIGKILL every process inside those nodes' netns (a crash as
# a client sees it: its connections break), keeping the netns and state so that
# `up` notices the dead sshd and recreates the node with the same key.
stop_nodes() {
  local k pid link path pids=(); local -A ns=()
  for k; do
    [[ -e /run/netns/$P$k ]] || die "no node $P$k"
    ns["net:[$(stat -c %i "/run/netns/$P$k")]"]=1
  done
  while read -r link path; do
    if [[ -n ${ns[$link]:-} ]]; then pid=${path#/proc/}; pids+=("${pid%%/*}"); fi
  done < <(find /proc/[0-9]*/ns/net -maxdepth 0 -printf '%l %p\n' 2>/dev/null)
  (( ${#pids[@]} == 0 )) || kill -KILL "${pids[@]}" 2>/dev/null || true
  log "stopped ${#pids[@]} processes in ${*/#/$P}"
}

# create_nodes K...: per node ONE `unshare` creates the netns (pinned at
# /run/netns/rcf-K exactly like `ip netns add`), a UTS ns and a slave mount ns,
# then `_init` wires the veth and execs sshd. fork+exec is the dominant cost,
# so the per-node chain is kept to unshare -> bash -> ip -> mount -> sshd.
create_nodes() {
  (( $# )) || return 0
  local k n d a b="" homes=() tmpl cfg self
  self=$(readlink -f "$0"); JOBS=${JOBS:-$(nproc)}
  printf '%s\n' "$@" | while read -r k; do [[ -s $KEYS/hostkeys/$P$k ]] || echo "$k"; done |
    xargs -r -P "$JOBS" -I{} ssh-keygen -q -t ed25519 -N '' -C "$P{}" -f "$KEYS/hostkeys/$P{}"
  for k; do homes+=("$RUN/nodes/$P$k/home"); done
  # shellcheck disable=SC2174  # mode 700 is meant for the home/ leaf only
  mkdir -p -m 700 "${homes[@]}"
  read -r -d '' tmpl <<EOF || true
# @N@ - generated by fleet.sh (test fixture only)
Port 22
ListenAddress 0.0.0.0
AddressFamily inet
PidFile @D@/sshd.pid
AuthorizedKeysFile $KEYS/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
# PAM off: no per-login PAM stack cost; StrictModes off: keys live under /tmp
UsePAM no
StrictModes no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
# forwarding on: nodes serve as jump hosts in the SSH driver tests
AllowTcpForwarding yes
AllowAgentForwarding no
PermitTunnel no
# generous limits so bursts/multiplexing never hit the 10:30:100 default
MaxStartups 200:30:400
MaxSessions 64
SetEnv FLEET_NODE=@N@
Subsystem sftp /usr/lib/openssh/sftp-server
LogLevel INFO
EOF
  for k; do                     # builtins only in this loop: it runs N times
    n=$P$k d=$RUN/nodes/$n
    echo "$n" > "$d/hostname"
    cfg=${tmpl//@N@/$n}; printf '%s\n' "${cfg//@D@/$d}" > "$d/sshd_config"
    printf '%s\n' "$d/hostname /etc/hostname none bind 0 0" "$d/home /root none bind 0 0" > "$d/fstab"
    : > "/run/netns/$n"
    b+="link set $V$k master $BR up"$'\n'
  done
  # fd 9 (the lock) must not leak into the daemons
  printf '%s\n' "$@" | xargs -P "$JOBS" -I{} unshare --net="/run/netns/$P{}" --uts \
    --mount --propagation slave -- "$self" _init {} $$ 9>&- || true
  for k; do echo 1 > "/proc/sys/net/ipv6/conf/$V$k/disable_ipv6"; done 2>/dev/null || true
  ip -force -batch - <<<"$b" 2>/dev/null || true      # attach root ends to the bridge
  # A recreated node has a new MAC: forget the old one now rather than after
  # the neighbour entry times out (connections would hang until then).
  b=""; for k; do addr_of "$k" a; b+="neigh flush to $a dev $BR"$'\n'; done
  ip -force -batch - <<<"$b" 2>/dev/null || true
}

# _init K ROOTPID: runs inside node K's fresh net/UTS/mount namespaces (mounts
# made here never propagate back to the host), then becomes sshd.
node_init() {
  local k=$1 n=$P$1 d=$RUN/nodes/$P$1 a f
  addr_of "$k" a
  for f in all default; do echo 1 > "/proc/sys/net/ipv6/conf/$f/disable_ipv6"; done 2>/dev/null || true
  ip -batch - <<<"link set lo up
link add eth0 type veth peer name $V$k netns $2
addr add $a/16 dev eth0
link set eth0 up"
  echo "$n" > /proc/sys/kernel/hostname
  mount -a -T "$d/fstab"          # bind private /etc/hostname and /root (one exec)
  exec "$SSHD" -f "$d/sshd_config" -h "$KEYS/hostkeys/$n" -E "$d/sshd.log"
}

write_outputs() {  # $1 = N
  local k a ini="" list="" cfg=""
  for (( k = 1; k <= $1; k++ )); do
    addr_of "$k" a
    list+="$P$k $a 22"$'\n'
    ini+="$P$k ansible_host=$a ansible_port=22"$'\n'
    cfg+="Host $P$k"$'\n'"  HostName $a"$'\n'
  done
  printf '%s' "$list" > "$RUN/nodes.txt"
  cat > "$RUN/inventory.ini" <<EOF
[fleet]
${ini}
[fleet:vars]
ansible_user=root
ansible_ssh_private_key_file=$KEYS/id_ed25519
ansible_host_key_checking=false
ansible_python_interpreter=/usr/bin/python3
ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentitiesOnly=yes'
EOF
  cat > "$RUN/ssh_config" <<EOF
${cfg}
Host $P* $FLEET_NET.*
  User root
  IdentityFile $KEYS/id_ed25519
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
EOF
}

cmd_up() {
  local N=${1:-} k t0=$SECONDS bad=() extra=() pending=() deadline
  if ! [[ $N =~ ^[0-9]+$ ]] || (( N > MAX )); then die "usage: up N (0..$MAX)"; fi
  if (( N == 0 )); then cmd_down; return; fi
  (( N * 2 <= $(< /proc/sys/net/ipv4/neigh/default/gc_thresh3) )) ||
    log "warning: N=$N is close to net.ipv4.neigh.default.gc_thresh3; raise it or ARP entries get dropped"
  mkdir -p "$RUN/nodes" "$KEYS/hostkeys"
  [[ -s $KEYS/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C fleet-client -f "$KEYS/id_ed25519"
  cp "$KEYS/id_ed25519.pub" "$KEYS/authorized_keys"
  mkdir -p /run/sshd /run/netns  # sshd privsep dir (no systemd to create it); netns pins
  # like `ip netns add`: make /run/netns a shared mount so deleting a pin
  # propagates into every node's (slave) mount ns and the netns can be freed
  mountpoint -q /run/netns || mount --rbind /run/netns /run/netns
  mount --make-shared /run/netns
  if ! ip link show "$BR" &>/dev/null; then
    [[ $(ip -4 -o addr show; ip -4 route show) != *[$' \n']"$FLEET_NET".* ]] ||
      die "$FLEET_NET.0.0/16 already in use on this host; set FLEET_NET"
    ip link add "$BR" type bridge
    echo 1 > "/proc/sys/net/ipv6/conf/$BR/disable_ipv6" 2>/dev/null || true
    ip addr add "$FLEET_NET.0.1/16" dev "$BR"
    ip link set "$BR" up
  fi
  local -A known=()
  for k in $(known_nodes); do known[$k]=1; if (( k > N )); then extra+=("$k"); fi; done
  for (( k = 1; k <= N; k++ )); do
    node_healthy "$k" && continue
    [[ -e /run/netns/$P$k && -z ${known[$k]:-} ]] && die "netns $P$k exists but is not ours"
    bad+=("$k")
  done
  remove_nodes "${extra[@]}" "${bad[@]}"
  create_nodes "${bad[@]}"
  deadline=$(( SECONDS + 30 ))                   # sshd writes its pid file after listen()
  pending=("${bad[@]}")
  while (( ${#pending[@]} )) && (( SECONDS < deadline )); do
    local still=(); for k in "${pending[@]}"; do node_healthy "$k" || still+=("$k"); done
    pending=("${still[@]}"); if (( ${#pending[@]} )); then sleep 0.05; fi
  done
  write_outputs "$N"
  (( ${#pending[@]} == 0 )) || die "sshd not up on: ${pending[*]/#/$P} (see $RUN/nodes/${P}K/sshd.log)"
  log "$N nodes up (started ${#bad[@]}, removed ${#extra[@]}) in $(( SECONDS - t0 ))s; inventory: $RUN/inventory.ini"
}

# shellcheck disable=SC2120  # optional --purge
cmd_down() {
  local nodes; mapfile -t nodes < <(known_nodes)
  remove_nodes "${nodes[@]}"
  ! ip link show "$BR" &>/dev/null || ip link del "$BR"
  rm -rf "$RUN"
  if [[ ${1:-} == --purge ]]; then   # leave nothing behind (the lock goes last)
    rm -rf "$KEYS"; rm -f "$FLEET_DIR/.lock"; rmdir "$FLEET_DIR" 2>/dev/null || true
  fi
  log "down (removed ${#nodes[@]} nodes)"
}

cmd_status() {
  local nodes k ok=0; mapfile -t nodes < <(known_nodes)
  (( ${#nodes[@]} )) || { echo "down"; return 1; }
  for k in "${nodes[@]}"; do node_healthy "$k" && ok=$(( ok + 1 )); done
  echo "up: $ok/${#nodes[@]} nodes healthy"
  (( ok == ${#nodes[@]} )) || return 2
}

cmd_inventory() {
  [[ -s $RUN/nodes.txt ]] || die "fleet is down"
  case ${1:---ini} in
    --ini) cat "$RUN/inventory.ini" ;;
    --list) cat "$RUN/nodes.txt" ;;
    --ssh-config) cat "$RUN/ssh_config" ;;
    *) die "usage: inventory [--ini|--list|--ssh-config]" ;;
  esac
}

case ${1:-} in
  _init) shift; node_init "$@" ;;
  inventory) shift; cmd_inventory "$@" ;;
  status) (( EUID == 0 )) || die "must run as root"; cmd_status ;;
  up|down|stop)
    (( EUID == 0 )) || die "must run as root"
    cmd=$1; shift
    mkdir -p "$FLEET_DIR"
    exec 9>"$FLEET_DIR/.lock"; flock -w 120 9 || die "another fleet.sh holds $FLEET_DIR/.lock"
    if [[ $cmd == stop ]]; then stop_nodes "$@"; else "cmd_$cmd" "$@"; fi ;;
  *) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" >&2; exit 64 ;;
esac
