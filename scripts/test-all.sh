#!/usr/bin/env bash
# Runs every test the project has, from a fresh clone on Debian 12:
# installs what is missing (scripts/install-deps.sh), builds, then runs
#   1. unit suites in parallel,
#   2. integration and end-to-end suites one at a time (they start real sshd and
#      libvirtd/QEMU daemons in network namespaces they create: needs root),
#   3. a bounded libFuzzer run of the spec loader.
# BUILD_DIR (default ./build) is kept between runs; ccache makes rebuilds cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-$PWD/build}

scripts/install-deps.sh
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"

cd "$BUILD_DIR"
ctest -L unit -j "$(nproc)" --output-on-failure --timeout 300
ctest -LE unit -j 1 --output-on-failure
cd - >/dev/null

if [[ -x scripts/fuzz-spec.sh ]]; then
  scripts/fuzz-spec.sh
fi
