#!/usr/bin/env bash
# A newcomer's first command: install the build dependencies, build `reconcile`,
# validate the example specs, and show a real plan of specs/lab.yaml against
# libvirt's built-in test driver (in-process: no daemon, nothing is changed),
# on a host with the spec's network and pool (specs/testdriver-host.xml).
#
# A plan checks what apply will need, the operator's public key among it
# (new nodes are seeded with ssh.identity's .pub, default ~/.ssh/id_ed25519).
# When you have none, the plan runs with a throwaway key made under
# $BUILD_DIR/quickstart-home (your ~/.ssh is never touched), and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-$PWD/build}
scripts/install-deps.sh --build-only
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target reconcile
PLAN_HOME=$HOME
if [[ ! -r ${HOME:-/nonexistent}/.ssh/id_ed25519.pub ]]; then
  PLAN_HOME=$BUILD_DIR/quickstart-home
  mkdir -p "$PLAN_HOME/.ssh"
  [[ -r $PLAN_HOME/.ssh/id_ed25519.pub ]] ||
    ssh-keygen -q -t ed25519 -N '' -C reconcile-quickstart -f "$PLAN_HOME/.ssh/id_ed25519"
  echo "quickstart: no ~/.ssh/id_ed25519.pub: planning with a throwaway key in $PLAN_HOME/.ssh"
fi
set -x
"$BUILD_DIR/cli/reconcile" validate specs/*.yaml
HOME=$PLAN_HOME "$BUILD_DIR/cli/reconcile" plan specs/lab.yaml --connect "test://$PWD/specs/testdriver-host.xml"
