#!/usr/bin/env bash
# Measures the performance targets (README: Performance) and prints a Markdown table with the
# machine, the date, the command behind each figure, the target and pass/fail.
#   scripts/bench.sh           full run (about 3 minutes); exits 1 if a target is missed
#   scripts/bench.sh --quick   short runs that only prove every measurement works (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0; [ "${1:-}" = --quick ] && quick=1
scripts/deps.sh build >/dev/null
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
scripts/build.sh -DBUILD_TESTING=OFF -DPCIE_BAR_BENCH=ON >/dev/null
bin=build/bin
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
min_time=$([ $quick = 1 ] && echo 0.02 || echo 0.5)
wrk_seconds=$([ $quick = 1 ] && echo 2 || echo 10)
idle_seconds=$([ $quick = 1 ] && echo 3 || echo 30)
gaps_seconds=$([ $quick = 1 ] && echo 4 || echo 40)

# 1, 2. Loop fidelity and timer cost: paired rounds (bare loop and sweep back to back, see
# bench/accessors_bench.cpp), so that this shared machine's drift hits both sides alike.
reps=$([ $quick = 1 ] && echo 2 || echo 7)
$bin/pcie_bar_bench --benchmark_min_time="$min_time" --benchmark_repetitions="$reps" \
  --benchmark_report_aggregates_only=true \
  --benchmark_format=json > "$work/bench.json" 2>/dev/null
# 3. A whole default sweep on the simulated BAR, as --once runs it; then 2x and 4x the default
# iterations, to show that a sweep's cost is linear in them: five rounds of 1x, 2x, 4x, each
# figure the median of its five (one run lasts 10-60 ms, short enough for one preemption to
# move it by half).
$bin/pcie_bar_exporter --once --output json > "$work/once.json"
for x in 1 2 4; do
  echo "devices: [{name: sim, backend: sim, sweep: {iterations: {read: $((10000*x)), write: $((10000*x)), rw: $((5000*x))}}}]" \
    > "$work/iterations.$x.yml"
done
for round in 1 2 3 4 5; do
  for x in 1 2 4; do
    $bin/pcie_bar_exporter --once --output json --config.file "$work/iterations.$x.yml" > "$work/once.$x.$round.json"
  done
done

# 3b. sweep.budget on the slow-device model: a default read-only run per modelled read latency.
for latency in 30ns 300ns 1.2us 10us; do
  echo "devices: [{name: model, backend: sim, sim: {model: {read_latency: $latency}}, writes: {enabled: false}}]" \
    > "$work/model.$latency.yml"
  $bin/pcie_bar_exporter --once --output json --config.file "$work/model.$latency.yml" > "$work/model.$latency.json"
done

# 4. Exporter cost: /metrics under 20 concurrent scrapers (wrk), RSS, CPU between runs.
protobuf_accept='application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited'
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
serve() {  # serve N_DEVICES -> port in $work/port.N, pid in $work/pid.N
  local n=$1 cfg=$work/devices.$1.yml port
  { echo "devices:"; for i in $(seq 1 "$n"); do echo "  - {name: sim$i, backend: sim, sweep: {interval: 1h}}"; done; } > "$cfg"
  port=$(free_port)
  $bin/pcie_bar_exporter --config.file "$cfg" --web.listen-address "127.0.0.1:$port" 2>/dev/null &
  echo $! > "$work/pid.$n"; echo "$port" > "$work/port.$n"
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null && return; sleep 0.1; done
  echo "exporter with $n devices never became ready" >&2; exit 1
}
for n in 1 8 32; do
  serve $n
  url="http://127.0.0.1:$(cat "$work/port.$n")/metrics"
  # As Prometheus scrapes (gzip, on a kept connection), then as plain text, then gzip with a new
  # connection for every scrape (what a scraper that does not keep connections costs).
  wrk -t4 -c20 -d"${wrk_seconds}s" --latency -H 'Accept-Encoding: gzip' "$url" > "$work/wrk.gzip.$n" 2>&1
  wrk -t4 -c20 -d"${wrk_seconds}s" --latency "$url" > "$work/wrk.plain.$n" 2>&1
  wrk -t4 -c20 -d"${wrk_seconds}s" --latency -H 'Accept-Encoding: gzip' -H 'Connection: close' "$url" \
    > "$work/wrk.reconnect.$n" 2>&1
  # The protobuf page, as Prometheus with native histograms asks for it (gzip, kept connection), and plain.
  wrk -t4 -c20 -d"${wrk_seconds}s" --latency -H 'Accept-Encoding: gzip' -H "Accept: $protobuf_accept" "$url" \
    > "$work/wrk.protobuf.$n" 2>&1
  wrk -t4 -c20 -d"${wrk_seconds}s" --latency -H "Accept: $protobuf_accept" "$url" > "$work/wrk.protobuf_plain.$n" 2>&1
  curl -fs -H 'Accept-Encoding: gzip' -H "Accept: $protobuf_accept" "$url" | wc -c > "$work/bytes.protobuf.$n"
  curl -fs -H "Accept: $protobuf_accept" "$url" | wc -c > "$work/bytes.protobuf_plain.$n"
  grep -oE 'VmRSS:\s+[0-9]+' "/proc/$(cat "$work/pid.$n")/status" | grep -oE '[0-9]+' > "$work/rss.$n"
  curl -fs "$url" | wc -c > "$work/bytes.plain.$n"
  curl -fs -H 'Accept-Encoding: gzip' "$url" | wc -c > "$work/bytes.gzip.$n"
  cp "$work/bytes.gzip.$n" "$work/bytes.reconnect.$n"
  if [ $n = 8 ]; then
    # Scrapers that keep their connection across idle gaps of 1-3 s, as real ones do between
    # scrapes (http.client reuses it without checking it first).
    python3 bench/scrape_idle_gaps.py "$(cat "$work/port.$n")" 20 "$gaps_seconds" 1 3 > "$work/gaps.$n"
    # CPU between runs: interval 1h, so nothing runs now
    pid=$(cat "$work/pid.$n"); t0=$(awk '{print $14+$15}' "/proc/$pid/stat"); sleep "$idle_seconds"
    t1=$(awk '{print $14+$15}' "/proc/$pid/stat"); echo "$t0 $t1 $(getconf CLK_TCK) $idle_seconds" > "$work/idle"
  fi
  kill "$(cat "$work/pid.$n")"; wait "$(cat "$work/pid.$n")" 2>/dev/null || true
done

# 5. Access paths on real kernel drivers, in the QEMU guest of tests/vm (full runs only: the
# guest takes about a minute under TCG; ctest -L vm boots the same guest in every test run).
if [ $quick = 0 ]; then
  scripts/deps.sh test >/dev/null
  bash tests/vm/build_guest.sh "$work/vm" "$bin/pcie_bar_exporter" build/lib/pcie_bar_exporter >/dev/null
  bash tests/vm/run_guest.sh "$work/vm" || { echo "bench.sh: the guest failed; see its serial log" >&2; exit 1; }
fi

python3 - "$work" "$quick" <<'PY'
import json, os, platform, re, subprocess, sys, datetime
work, quick = sys.argv[1], sys.argv[2] == "1"
bench = {b["run_name"]: b for b in json.load(open(f"{work}/bench.json"))["benchmarks"]
         if b.get("aggregate_name") == "median"}
once = json.load(open(f"{work}/once.json"))
rows, failed = [], False
def row(figure, value, target, ok, command):
    global failed
    failed |= not ok
    rows.append(f"| {figure} | {value} | {target} | {'pass' if ok else 'FAIL'} | `{command}` |")
def bench_cmd(pattern):
    return (f"build/bin/pcie_bar_bench --benchmark_filter='{pattern}' --benchmark_repetitions=7 "
            "--benchmark_report_aggregates_only=true")
for op, block in (("Read", 4096), ("Read", 64), ("Write", 4096), ("Write", 64)):
    b = bench[f"BM_Paired{op}/{block}"]
    r = b["fidelity"]
    row(f"{op.upper()} {block} B: reported / bare loop (median of paired rounds)",
        f"{b['reported_bytes_per_second']/1e9:.2f} / {b['bare_bytes_per_second']/1e9:.2f} GB/s; ratio {r:.0%}",
        ">= 90 %", r >= 0.9, bench_cmd(f"Paired{op}/{block}"))
for op, block in (("Read", 64), ("Read", 4096), ("Write", 64), ("Write", 4096)):
    added = bench[f"BM_Paired{op}/{block}"]["timing_added_seconds"] * 1e9
    row(f"timing cost added per op, {op.upper()} {block} B (median latency - bare loop's time per op)",
        f"{added:.1f} ns", "<= 15 ns", added <= 15, bench_cmd(f"Paired{op}/{block}"))
pair = once["context"]["clock"]["overhead_seconds"] * 1e9
row(f"one timestamp pair ({once['context']['clock']['source']}, median; subtracted from every sample)", f"{pair:.1f} ns",
    "(reported)", True, "build/bin/pcie_bar_exporter --once --output json | jq .context.clock")
def median_wall(x):
    w = sorted(json.load(open(f"{work}/once.{x}.{r}.json"))["devices"][0]["sweep_wall_seconds"] for r in range(1, 6))
    return w[2]
wall = median_wall(1)
row("default sweep (13 sizes, 10000/10000/5000 ops; median of 5)", f"{wall*1e3:.0f} ms", "< 1 s", wall < 1,
    "build/bin/pcie_bar_exporter --once --output json | jq '.devices[0].sweep_wall_seconds'")
walls = [median_wall(x) for x in (2, 4)]
row("default sweep at 2x and 4x the iterations (linear: about 2x and 4x the time)",
    f"{walls[0]*1e3:.0f} ms ({walls[0]/wall:.1f}x), {walls[1]*1e3:.0f} ms ({walls[1]/wall:.1f}x)", "(scaling)", True,
    "build/bin/pcie_bar_exporter --once --output json --config.file ITERATIONS.yml | jq '.devices[0].sweep_wall_seconds'")
for op in ("read", "write"):
    per_op = {r["block_size"]: r["latency_seconds"]["mean"] for r in once["devices"][0]["results"] if r["op"] == op}
    cells = ", ".join(f"{b} B: {per_op[b]*1e9:.1f} ns" for b in sorted(per_op) if b in (1, 8, 64, 512, 1024, 2048, 4096))
    row(f"{op.upper()} mean time per op by block size (linear from about 64 B on)", cells, "(scaling)", True,
        "build/bin/pcie_bar_exporter --once --output json | jq '.devices[0].results'")
for latency, truth in (("30ns", 30e-9), ("300ns", 300e-9), ("1.2us", 1.2e-6), ("10us", 10e-6)):
    dev = json.load(open(f"{work}/model.{latency}.json"))["devices"][0]
    wall = dev["sweep_wall_seconds"]
    read8 = next(r for r in dev["results"] if r["block_size"] == 8)
    p50 = read8["latency_seconds"]["p50"]
    tput_truth = 8 / truth
    tput = read8["throughput_bytes_per_second"]
    limited = sum(r["budget_limited"] for r in dev["results"])
    floor = truth < 100e-9  # below what one access through Bar::load costs on its own (about 40 ns here)
    row(f"sweep.budget 1 s, read-only default sweep, modelled read {latency}: run time / budget "
        f"({limited} of 13 cells planned down)", f"{wall:.3f} s ({wall:.0%})", "<= 110 %", wall <= 1.1,
        f"build/bin/pcie_bar_exporter --once --output json --config.file MODEL.yml | jq '.devices[0].sweep_wall_seconds'")
    # The target is on the median; the throughput (a mean) is lowered by whatever interrupts the
    # spinning thread, and is shown for what it is.
    ok = abs(p50 / truth - 1) <= 0.05
    row(f"modelled read {latency}: 8 B READ p50 against the model's truth (throughput shown)",
        f"p50 {p50*1e9:.0f} ns ({p50/truth:.0%}); {tput/1e6:.2f} MB/s ({tput/tput_truth:.0%} of the truth)",
        "(reported: below the model's floor)" if floor else "p50 within 5 %", ok or floor,
        f"build/bin/pcie_bar_exporter --once --output json --config.file MODEL.yml | jq '.devices[0].results[3]'")
def p99_ms(text):
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
    v = float(m.group(1)); return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
scrape_modes = {"gzip": ("gzip, kept connection", "-H 'Accept-Encoding: gzip' "), "plain": ("plain, kept connection", ""),
                "reconnect": ("gzip, new connection per scrape", "-H 'Accept-Encoding: gzip' -H 'Connection: close' "),
                "protobuf": ("protobuf, gzip, kept connection", "-H 'Accept-Encoding: gzip' -H 'Accept: PROTOBUF' "),
                "protobuf_plain": ("protobuf, plain, kept connection", "-H 'Accept: PROTOBUF' ")}
for mode, (label, header) in scrape_modes.items():
    for n in (1, 8, 32):
        text = open(f"{work}/wrk.{mode}.{n}").read()
        rate = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
        errors = re.search(r"Non-2xx|Socket errors", text)
        p99 = p99_ms(text); kib = int(open(f"{work}/bytes.{mode}.{n}").read()) / 1024
        is_target = n == 8 and mode in ("gzip", "protobuf")
        row(f"/metrics p99, {n} devices, {label} ({kib:.0f} KiB), 20 scrapers",
            f"{p99:.2f} ms, {float(rate):.0f} req/s" + (", ERRORS" if errors else ""),
            "< 5 ms" if is_target else "(scaling)", (p99 < 5 or not is_target) and not errors,
            f"wrk -t4 -c20 -d10s --latency {header}http://127.0.0.1:PORT/metrics")
gaps = json.load(open(f"{work}/gaps.8"))
gaps_ok = gaps["errors"] == 0 and gaps["reconnects"] == 0 and gaps["scrapes"] > 0
row(f"/metrics p99, 8 devices, gzip, kept connection across idle gaps of 1-3 s, 20 scrapers "
    f"({gaps['scrapes']} scrapes, {gaps['errors']} errors, {gaps['reconnects']} not kept)",
    f"{gaps['p99_ms']:.2f} ms (p50 {gaps['p50_ms']:.2f} ms)", "< 5 ms, no error", gaps_ok and gaps["p99_ms"] < 5,
    "python3 bench/scrape_idle_gaps.py PORT 20 40 1 3")
rss = int(open(f"{work}/rss.8").read()) / 1024
row("RSS with 8 devices, after the load", f"{rss:.1f} MiB", "< 30 MiB", rss < 30, "grep VmRSS /proc/PID/status")
t0, t1, hz, secs = open(f"{work}/idle").read().split()
cpu = (int(t1) - int(t0)) / int(hz) / int(secs) * 100
row(f"CPU between runs, 8 devices, {secs} s", f"{cpu:.2f} % of a core", "< 0.5 %", cpu < 0.5, "utime+stime from /proc/PID/stat")
def guest_devices(scenario):
    log = open(f"{work}/vm/serial.log").read().replace("\r", "")
    m = re.search(rf"@@BEGIN {scenario}\n@@STDOUT\n([\s\S]*?)@@STDERR\n[\s\S]*?@@END {scenario} rc=0\n", log)
    if not m: raise SystemExit(f"bench.sh: guest scenario {scenario} did not run cleanly")
    return {d["name"]: {(r["op"], r["block_size"]): r["throughput_bytes_per_second"] for r in d["results"]}
            for d in json.loads(m.group(1))["devices"]}
vm_cmd = "scripts/bench.sh (tests/vm/configs/bench_paths_*.yml in the tests/vm guest)"
if quick:
    row("access paths in the QEMU guest (mmap vs syscall, uio, sysfs)", "skipped in --quick", "(comparison)", True, vm_cmd)
else:
    paths = {**guest_devices("bench_paths_vfio"), **guest_devices("bench_paths_uio")}
    for label, num, den, op, bar in (
            ("vfio syscall / vfio mmap", "vfio-syscall", "vfio-mmap", "read", 0),
            ("vfio syscall / vfio mmap", "vfio-syscall", "vfio-mmap", "write", 0),
            ("vfio syscall / vfio mmap", "vfio-syscall", "vfio-mmap", "read", 2),
            ("sysfs mmap / vfio mmap", "sysfs-mmap", "vfio-mmap", "read", 0),
            ("sysfs mmap / vfio mmap", "sysfs-mmap", "vfio-mmap", "read", 2),
            ("uio mmap / vfio mmap", "uio-mmap", "vfio-mmap", "read", 2)):
        a, b = paths[f"{num}-bar{bar}"], paths[f"{den}-bar{bar}"]
        ratios = ", ".join(f"{size} B: {a[(op, size)] / b[(op, size)]:.3g}" for size in (4, 64, 1024, 4096))
        kind = "framebuffer RAM" if bar == 0 else "registers"
        row(f"{label}, {op.upper()}, bochs-display BAR{bar} ({kind}), width 4", ratios, "(comparison)", True, vm_cmd)
cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"Machine: {cpu_model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
      f"date {datetime.date.today()}; {'quick mode (short runs: figures indicative only)' if quick else 'full run'}; "
      f"command: scripts/bench.sh{' --quick' if quick else ''}\n")
print("| figure | measured | target | result | command |\n| --- | --- | --- | --- | --- |")
print("\n".join(rows))
sys.exit(0 if quick or not failed else 1)
PY
