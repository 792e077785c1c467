#!/usr/bin/env bash
# Builds the spec loader's libFuzzer target with clang + ASan and runs it.
#   scripts/fuzz-spec.sh            # smoke run: 200000 executions (test-all: 50000)
#   scripts/fuzz-spec.sh 5000000    # a longer run
# Seeds: specs/ and tests/model/malformed/. New inputs go to $BUILD/corpus;
# a crashing input is saved as $BUILD/artifacts/crash-* and the script fails.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
RUNS=${1:-200000}
JOBS=${FUZZ_BUILD_JOBS:-2}

if [[ ! -f $BUILD/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECONCILE_FUZZ=ON -DRECONCILE_TESTS=OFF \
    -DRECONCILE_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="-fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer" \
    -DCMAKE_C_FLAGS="-fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer"
fi
ninja -C "$BUILD" -j"$JOBS" spec_loader_fuzzer

mkdir -p "$BUILD/corpus" "$BUILD/artifacts"
# libFuzzer's progress lines go to a log; the verdict and final stats are shown.
log=$BUILD/fuzz.log
status=0
"$BUILD/fuzz/spec_loader_fuzzer" \
  -runs="$RUNS" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -dict="$ROOT/fuzz/spec.dict" -artifact_prefix="$BUILD/artifacts/" \
  -print_final_stats=1 \
  "$BUILD/corpus" "$ROOT/specs" "$ROOT/tests/model/malformed" >"$log" 2>&1 || status=$?
if (( status != 0 )); then
  tail -n 60 "$log"
  echo "fuzz-spec: FAILED (exit $status); inputs in $BUILD/artifacts/, full log $log" >&2
  exit "$status"
fi
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^Done ' "$log"
echo "fuzz-spec: $RUNS executions, no crash, no leak, no timeout (log: $log)"
