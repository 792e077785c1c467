#!/usr/bin/env bash
# The spec loader's libFuzzer target alone (clang + ASan), through fuzz-all.sh.
#   scripts/fuzz-spec.sh            # 200000 executions
#   scripts/fuzz-spec.sh 5000000    # a longer run
# Seeds: specs/ and tests/model/malformed/; corpus, artifacts and log as in
# fuzz-all.sh ($FUZZ_BUILD_DIR, default build-fuzz).
set -euo pipefail
FUZZ_ONLY=spec_loader_fuzzer exec "$(dirname "$0")/fuzz-all.sh" "${1:-200000}" 0
