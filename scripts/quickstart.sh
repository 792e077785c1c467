#!/usr/bin/env bash
# A newcomer's first command: install the build dependencies, build `reconcile`,
# validate the example specs, and show a real plan of specs/lab.yaml against
# libvirt's built-in test driver (in-process: no daemon, nothing is changed).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-$PWD/build}
scripts/install-deps.sh --build-only
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target reconcile
set -x
"$BUILD_DIR/cli/reconcile" validate specs/*.yaml
"$BUILD_DIR/cli/reconcile" plan specs/lab.yaml --connect test:///default
