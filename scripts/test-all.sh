#!/usr/bin/env bash
# Runs every test the project has, from a fresh clone on Debian 12:
# installs what is missing (scripts/install-deps.sh), builds, then runs
#   1. a parse of every .nix file (scripts/check-nix.sh), unit suites in parallel,
#   2. bounded libFuzzer runs: the spec loader (25,000 executions), the plan
#      renderers and templating (50,000 each); docs/fuzzing.md has the long runs,
#   3. integration and end-to-end suites one at a time (they start real sshd and
#      libvirtd/QEMU daemons in network namespaces they create: needs root).
# BUILD_DIR (default ./build) is kept between runs; ccache makes rebuilds cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-$PWD/build}

scripts/install-deps.sh
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"

# Runs ctest with the given arguments; a skipped test is listed with its
# reason, and under CI=true it fails the run: a skip there hides a test that
# never ran (the fixtures start every daemon they need).
run_ctest() {
  local log
  log=$(mktemp)
  local rc=0
  ctest --test-dir "$BUILD_DIR" --output-on-failure "$@" 2>&1 | tee "$log" || rc=$?
  if grep -q '(Skipped)' "$log"; then
    echo "test-all: skipped tests, with the reasons they gave:"
    grep '(Skipped)' "$log"
    # gtest prints the reason on the line before "[  SKIPPED ]".
    grep -h -B2 -F '[  SKIPPED ]' "$BUILD_DIR/Testing/Temporary/LastTest.log" | head -60 || true
    if [[ ${CI:-} == true ]]; then
      echo "test-all: CI=true: a skipped test is a failure"
      rc=1
    fi
  fi
  rm -f "$log"
  return "$rc"
}

scripts/check-nix.sh  # every .nix file parses (nothing Nix can be built here)
run_ctest -L unit -j "$(nproc)" --timeout 300
FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-$BUILD_DIR-fuzz} scripts/fuzz-all.sh 25000 50000
run_ctest -LE unit -j 1
