#!/usr/bin/env bash
# Builds every libFuzzer target (clang + ASan, one build dir) and runs each:
#   scripts/fuzz-all.sh                  # 200000 spec-loader runs, 100000 for the others
#   scripts/fuzz-all.sh 25000 50000      # test-all's bounded run (~2.5 min on 2 cores)
# Targets: spec_loader_fuzzer (seeds: specs/, tests/model/malformed/),
# plan_json_fuzzer, template_fuzzer (docs/fuzzing.md says what each checks).
# New inputs go to $BUILD/corpus-<target>; a crash is saved as
# $BUILD/artifacts/crash-* and the script fails with the log's tail.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
SPEC_RUNS=${1:-200000}
OTHER_RUNS=${2:-100000}
JOBS=${FUZZ_BUILD_JOBS:-2}
# FUZZ_ONLY: a space-separated subset of the targets (scripts/fuzz-spec.sh).
read -r -a TARGETS <<<"${FUZZ_ONLY:-spec_loader_fuzzer plan_json_fuzzer template_fuzzer}"

if [[ ! -f $BUILD/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECONCILE_FUZZ=ON -DRECONCILE_TESTS=OFF \
    -DRECONCILE_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="-fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer" \
    -DCMAKE_C_FLAGS="-fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer"
fi
ninja -C "$BUILD" -j"$JOBS" "${TARGETS[@]}"
mkdir -p "$BUILD/artifacts"

run() {  # target runs dict seed-dirs...
  local target=$1 runs=$2 dict=$3
  shift 3
  local log=$BUILD/fuzz-$target.log status=0 start=$SECONDS
  mkdir -p "$BUILD/corpus-$target"
  "$BUILD/fuzz/$target" -runs="$runs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    ${dict:+-dict="$dict"} -artifact_prefix="$BUILD/artifacts/" -print_final_stats=1 \
    "$BUILD/corpus-$target" "$@" >"$log" 2>&1 || status=$?
  if (( status != 0 )); then
    tail -n 60 "$log"
    echo "fuzz-all: $target FAILED (exit $status); inputs in $BUILD/artifacts/, log $log" >&2
    exit "$status"
  fi
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "fuzz-all: $target: ${execs:-?} executions in $((SECONDS - start)) s, no crash, no leak, no timeout (log: $log)"
}

wanted() { [[ " ${TARGETS[*]} " == *" $1 "* ]]; }
if wanted spec_loader_fuzzer; then
  run spec_loader_fuzzer "$SPEC_RUNS" "$ROOT/fuzz/spec.dict" "$ROOT/specs" "$ROOT/tests/model/malformed"
fi
if wanted plan_json_fuzzer; then run plan_json_fuzzer "$OTHER_RUNS" ""; fi
if wanted template_fuzzer; then run template_fuzzer "$OTHER_RUNS" "$ROOT/fuzz/template.dict"; fi
