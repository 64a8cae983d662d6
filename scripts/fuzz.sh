#!/usr/bin/env bash
# Fuzzes config parsing and validation with libFuzzer (clang, ASan+UBSan) for a bounded time.
#   scripts/fuzz.sh [SECONDS]     default 60
# Seeds: config/examples and tests/data/bad-configs. Inputs that ever crashed are kept in
# tests/data/fuzz-regressions and replayed first; a new crash is written there and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/deps.sh build >/dev/null
for p in clang-14 libfuzzer-14-dev libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="${missing:-} $p"
done
if [ -n "${missing:-}" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
CXX=clang++-14 CC=clang-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DPCIE_BAR_FUZZ=ON \
  -DBUILD_TESTING=OFF -DPCIE_BAR_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target config_fuzzer
fuzzer=build-fuzz/bin/config_fuzzer
regressions=tests/data/fuzz-regressions
if ls "$regressions"/* >/dev/null 2>&1; then
  echo "== replaying $(ls "$regressions" | wc -l) regression inputs"
  "$fuzzer" "$regressions"/*
fi
corpus=$(mktemp -d); trap 'rm -rf "$corpus"' EXIT
cp config/examples/*.yml tests/data/bad-configs/*.yml "$corpus"/
echo "== fuzzing for $seconds s"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$regressions/" -print_final_stats=1 "$corpus" 2>&1 | tail -20
