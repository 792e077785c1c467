#!/usr/bin/env bash
# SIGKILL soak of `reconcile apply` on the lab (tests/e2e/kill_soak_test.cc):
#   scripts/soak-kill.sh [KILLS] [MAX_DELAY_MS]     # defaults 50 and 20000
# Each iteration changes the node count (1..4), kills apply after a random
# delay, then checks that the next apply converges with nothing leaked.
# Needs root and the lab's packages; holds the lab lock while it runs.
# Every kill point and its result go to $BUILD_DIR/soak-kill.csv.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
export SOAK_KILLS=${1:-50}
export SOAK_MAX_DELAY_MS=${2:-20000}
export SOAK_RECORD=${SOAK_RECORD:-$BUILD_DIR/soak-kill.csv}
[[ -f $BUILD_DIR/build.ninja ]] || cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
ninja -C "$BUILD_DIR" -j"${JOBS:-2}" kill_soak_test reconcile
cd "$ROOT"  # the lab scripts are found relative to the repository
start=$SECONDS
status=0
flock /tmp/reconcile-lab.lock "$BUILD_DIR/tests/e2e/kill_soak_test" || status=$?
echo "soak-kill: $SOAK_KILLS iterations in $((SECONDS - start)) s, exit $status; record: $SOAK_RECORD"
tail -n 1 "$SOAK_RECORD"
exit "$status"
