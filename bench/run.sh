#!/usr/bin/env bash
# run.sh - the performance suite in one command; prints one table.
# Figures only: nothing is asserted (docs/performance.md records a run).
#
# usage: bench/run.sh [--quick] [--fleet] [--slurm] [-b BUILD_DIR]
#   --quick  planner and memory only (no root, no lab; ~1 min)
#   default  also the SSH probe comparison (compare-probe.sh) and the
#            end-to-end convergence of 3 real guests (e2e-converge.sh); both
#            need root and take the shared lab lock /tmp/reconcile-lab.lock
#   --fleet  also reconcile beside Ansible configuring 50 / 200 / 500 fleet
#            nodes (fleet-compare.sh, ~40 min; prints its own table)
#   --slurm  also the SLURM cluster of slurm_e2e_test beside its floor (the
#            same 3 Debian guests without roles), in one run (~20 min)
# Build first: ninja -C BUILD_DIR plan_bench pass_memory probe_bench libssh_floor reconcile
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build QUICK=0 FLEET=0 SLURM=0
while (( $# )); do
  case $1 in
    --quick) QUICK=1 ;;
    --fleet) FLEET=1 ;;
    --slurm) SLURM=1 ;;
    -b) BUILD=$2; shift ;;
    *) sed -n '2,/^set /s/^# \{0,1\}//p' "$0" >&2; exit 64 ;;
  esac
  shift
done
for bin in plan_bench pass_memory; do
  [[ -x $BUILD/bench/$bin ]] || { echo "run.sh: build $BUILD/bench/$bin first" >&2; exit 1; }
done
LOG=$(mktemp /tmp/reconcile-bench.XXXXXX)
trap 'rm -f "$LOG"' EXIT
rows=()
row() { rows+=("$(printf '| %-44s | %14s | %-22s |' "$1" "$2" "$3")"); }

echo "== planner (Google Benchmark)" >&2
"$BUILD/bench/plan_bench" --benchmark_min_time=0.2 --benchmark_format=csv >"$LOG" 2>/dev/null
# csv: name,iterations,real_time,cpu_time,time_unit,...
while IFS=, read -r name _ real cpu unit _; do
  name=${name//\"/}
  [[ $name == BM_* ]] || continue
  target=""
  case $name in
    BM_PlanConverged/10000) target="< 20 ms" ;;
    BM_PlanFromEmpty/10000) target="< 100 ms" ;;
    BM_LoadAndExpand/10000) target="< 50 ms" ;;
  esac
  row "${name#BM_} (cpu)" "$(printf '%.2f %s' "$cpu" "$unit")" "$target"
done <"$LOG"

echo "== observe + plan pass, memory (one process per size)" >&2
for n in 100 1000 $( ((QUICK)) || echo 5000 ); do
  out=$("$BUILD/bench/pass_memory" --nodes "$n" --passes 3)
  echo "$out" >&2
  kv() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$out"; }
  target=""; (( n == 1000 )) && target="< 100 MB"
  row "observe+plan peak RSS, $n nodes" "$(kv peak_mb) MB" "$target"
  row "no-op pass (test driver + fake probes), $n" "$(kv next_pass_s) s" ""
done

if (( ! QUICK )); then
  (( EUID == 0 )) || { echo "run.sh: the full suite needs root (use --quick)" >&2; exit 1; }
  echo "== SSH probe: ours vs OpenSSH vs Ansible (lab lock)" >&2
  flock /tmp/reconcile-lab.lock "$ROOT/bench/compare-probe.sh" -n "10 50" -a "10 50" -b "$BUILD" | tee "$LOG" >&2
  while IFS='|' read -r _ n cold warm ossh ossh_warm ans_cold ans_warm _; do
    n=${n// /}; [[ $n =~ ^[0-9]+$ ]] || continue
    row "probe pass $n nodes: ours cold / warm" "${cold// /} / ${warm// /} s" ""
    row "probe pass $n nodes: OpenSSH cold / warm" "${ossh// /} / ${ossh_warm// /} s" ""
    row "probe pass $n nodes: Ansible 1st / warm" "${ans_cold// /} / ${ans_warm// /} s" ""
  done <"$LOG"
  if [[ -x $ROOT/bench/e2e-converge.sh ]]; then
    echo "== empty -> converged, 3 real guests (lab lock)" >&2
    flock /tmp/reconcile-lab.lock "$ROOT/bench/e2e-converge.sh" -b "$BUILD" | tee "$LOG" >&2
    while IFS='=' read -r key value; do
      case $key in
        floor_s) row "e2e floor: define+start+first SSH, 3" "$value s" "" ;;
        converge_s) row "e2e empty -> converged, 3 guests" "$value s" "" ;;
        ratio) row "e2e converge / floor" "$value" "<= 1.2x" ;;
        noop_pass_s) row "no-op watch pass, 3 real guests" "$value s" "" ;;
      esac
    done < <(grep -E '^(floor_s|converge_s|ratio|noop_pass_s)=' "$LOG")
  fi
fi

if (( SLURM )); then
  (( EUID == 0 )) || { echo "run.sh: --slurm needs root" >&2; exit 1; }
  echo "== SLURM cluster beside its floor, 3 Debian guests (lab lock)" >&2
  # The test's own fixture starts the lab; its [ FIGURE ] lines are the rows.
  (cd "$ROOT" && flock /tmp/reconcile-lab.lock "$BUILD/tests/e2e/slurm_e2e_test" \
    --gtest_also_run_disabled_tests) | tee "$LOG" >&2 || true
  while IFS= read -r line; do
    what=${line#\[ FIGURE   \] }
    row "slurm: ${what%: *}" "${what##*: }" ""
  done < <(grep -F '[ FIGURE   ]' "$LOG")
fi

echo
echo "reconcile performance suite, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| %-44s | %14s | %-22s |\n' "measure" "value" "target"
printf '|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" "$(printf -- '-%.0s' {1..16})" "$(printf -- '-%.0s' {1..24})"
printf '%s\n' "${rows[@]}"

if (( FLEET )); then
  (( EUID == 0 )) || { echo "run.sh: --fleet needs root" >&2; exit 1; }
  echo
  flock /tmp/reconcile-lab.lock "$ROOT/bench/fleet-compare.sh" -b "$BUILD"
fi
