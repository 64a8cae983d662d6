#!/usr/bin/env bash
# From a clean clone: install what is missing, build, and measure the simulated BAR once.
# Extra arguments go to pcie_bar_exporter (e.g. --output json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
scripts/build.sh -DBUILD_TESTING=OFF -DPCIE_BAR_BENCH=OFF >/dev/null  # the binary only: tests need more packages
exec build/bin/pcie_bar_exporter --once "$@"
