#!/usr/bin/env bash
# From a clean clone: install what is missing, build, and run the whole test suite with ctest.
# Extra arguments go to ctest (e.g. -L unit, -R Sweep).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@"
