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

scripts/check-nix.sh  # every .nix file parses (nothing Nix can be built here)
ctest --test-dir "$BUILD_DIR" -L unit -j "$(nproc)" --output-on-failure --timeout 300
FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-$BUILD_DIR-fuzz} scripts/fuzz-all.sh 25000 50000
ctest --test-dir "$BUILD_DIR" -LE unit -j 1 --output-on-failure
