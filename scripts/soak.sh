#!/usr/bin/env bash
# Soak: 4 simulated devices sweeping every second, scraped continuously, RSS sampled every 30 s.
# Fails if RSS grows by more than 2 MiB after the first minute, or, with a sanitizer build, if
# LeakSanitizer reports a leak when the exporter exits.
#   scripts/soak.sh [SECONDS] [BINARY]     default 600 s and build/bin/pcie_bar_exporter
#   scripts/soak.sh 60 build-address/bin/pcie_bar_exporter    (what CI runs, under ASan/LSan)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600} bin=${2:-build/bin/pcie_bar_exporter}
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/soak.yml" <<'CFG'
devices:
  - {name: a, backend: sim, sweep: {interval: 1s, iterations: {read: 2000, write: 2000, rw: 1000}}}
  - {name: b, backend: sim, sweep: {interval: 1s, iterations: {read: 2000, write: 2000, rw: 1000}}}
  - {name: c, backend: sim, writes: {enabled: false}, sweep: {interval: 1s}}
  - {name: d, backend: sim, access: {method: syscall}, sweep: {interval: 1s, block_sizes: [8, 4096], iterations: {read: 200, write: 200, rw: 100}}}
CFG
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$bin" --config.file "$work/soak.yml" --web.listen-address "127.0.0.1:$port" 2> "$work/log" &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 0.2; done
( while :; do curl -fs -o /dev/null "http://127.0.0.1:$port/metrics" || echo fail >> "$work/failures"; sleep 0.1; done ) &
scraper=$!
rss() { awk '/VmRSS/{print $2}' "/proc/$pid/status"; }
baseline_at=$(( seconds < 120 ? seconds / 3 : 60 ))
start=$(date +%s); baseline=; echo "elapsed_s rss_kib"
while (( $(date +%s) - start < seconds )); do
  sleep $(( seconds < 60 ? 5 : 30 ))
  elapsed=$(( $(date +%s) - start )); echo "$elapsed $(rss)"
  if [ -z "$baseline" ] && (( elapsed >= baseline_at )); then baseline=$(rss); fi
done
final=$(rss)
kill $scraper; wait $scraper 2>/dev/null || true
code=0; kill -TERM $pid; wait $pid || code=$?
runs=$(grep -c 'msg="run finished"' "$work/log" || true)
failures=$( [ -f "$work/failures" ] && wc -l < "$work/failures" || echo 0)
echo "exit code $code; RSS ${baseline} KiB after warm-up, ${final} KiB at the end; failed scrapes: $failures"
grep -q 'LeakSanitizer' "$work/log" && { grep -A20 LeakSanitizer "$work/log"; echo "FAIL: leak"; exit 1; }
[ "$code" = 0 ] || { tail -20 "$work/log"; echo "FAIL: exit code $code"; exit 1; }
[ "$failures" = 0 ] || { echo "FAIL: $failures failed scrapes"; exit 1; }
if grep -qaE '__asan_init|__tsan_init' "$bin"; then echo "PASS (sanitizer build: its allocator keeps freed memory, RSS not judged)"; exit 0; fi
(( final - baseline <= 2048 )) || { echo "FAIL: RSS grew by $(( final - baseline )) KiB"; exit 1; }
echo PASS
