#!/usr/bin/env bash
# Configures and builds (Release) into build/; the binary is build/bin/pcie_bar_exporter.
# Extra arguments go to cmake's configure step (e.g. -DBUILD_TESTING=OFF).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j"$(nproc)"
