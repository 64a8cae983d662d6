#!/usr/bin/env bash
# From a clean clone: install what is missing, build, and run the whole test suite with ctest.
#   scripts/test.sh [CTEST_ARGS...]     the Release build, every test (labels unit, integration, scrapers, vm,
#                                       container, kubernetes, fleet)
#   scripts/test.sh --sanitize          also: unit and integration tests under ASan+UBSan, then TSan
# Extra arguments go to ctest (e.g. -L unit, -R Sweep).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test

sanitize=0
if [ "${1:-}" = --sanitize ]; then sanitize=1; shift; fi

scripts/build.sh -DBUILD_TESTING=ON -DPCIE_BAR_BENCH=ON
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 1500 "$@")

if [ $sanitize = 1 ]; then
  # Sanitized builds are slower: a shorter load test, and no VM or container (those run the
  # Release binary in other environments).
  export PCIE_BAR_LOAD_SECONDS=10
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  for kind in address thread; do
    echo "== tests under -fsanitize=$kind"
    # -O1 and only what the tests need: sanitizer builds take twice as long as plain ones.
    cmake -S . -B "build-$kind" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
          -DPCIE_BAR_SANITIZE=$kind -DPCIE_BAR_BENCH=OFF >/dev/null
    cmake --build "build-$kind" -j"$(nproc)" --target pcie_bar_exporter core_tests config_tests exporter_tests \
          integration_tests dashboards_tests
    (cd "build-$kind" && ctest --output-on-failure -j"$(nproc)" --timeout 900 -L 'unit|integration')
  done
fi
