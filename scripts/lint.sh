#!/usr/bin/env bash
# Format and lint checks (.clang-format, .clang-tidy), run by CI.
# Usage: scripts/lint.sh [--format | --tidy] [BUILD_DIR]
#   --format  clang-format over every tracked C++ file; lists the files that differ (fix: --fix)
#   --tidy    clang-tidy over core/, config/ and exporter/ with BUILD_DIR's compile_commands.json
#             (default build/, configured by scripts/test.sh)
#   --fix     rewrites the files clang-format would change
# Without an option, both checks. Tests are formatted but not linted: gtest's macros trip
# checks written for product code (bugprone-*, cert-err33-c on every EXPECT's stream).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=both
case "${1:-}" in --format|--tidy|--fix) mode=${1#--}; shift ;; esac
build=${1:-build}

cxx_files() { git ls-files '*.cpp' '*.h' '*.cc'; }

if [ "$mode" = fix ]; then
  cxx_files | xargs clang-format -i
  exit 0
fi

status=0
if [ "$mode" = both ] || [ "$mode" = format ]; then
  unformatted=$(cxx_files | xargs clang-format --dry-run 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning: code should be clang-formatted.*/\1/p' | sort -u)
  if [ -n "$unformatted" ]; then
    echo "scripts/lint.sh: not clang-formatted (run scripts/lint.sh --fix):" >&2
    echo "$unformatted" | sed 's/^/  /' >&2
    status=1
  fi
fi
if [ "$mode" = both ] || [ "$mode" = tidy ]; then
  if [ ! -f "$build/compile_commands.json" ]; then
    echo "scripts/lint.sh: $build/compile_commands.json not found; configure the build first (scripts/test.sh)" >&2
    exit 2
  fi
  root=$(pwd)
  if ! run-clang-tidy -p "$build" -j "$(nproc)" -quiet "^$root/(core|config|exporter)/" > "$build/clang-tidy.log" 2>&1; then
    grep -E "(warning|error):" "$build/clang-tidy.log" | sort -u >&2 || true
    echo "scripts/lint.sh: clang-tidy found the problems above (full log: $build/clang-tidy.log)" >&2
    status=1
  fi
fi
exit $status
