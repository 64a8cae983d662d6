#!/usr/bin/env python3
"""The HTML report (exporter/report/report_html.cpp) as a browser shows it: the real binary's
`--once --output html` on the simulated device, opened in headless Chromium (Debian's `chromium`).

Two reports: a short sweep of every op and block size beside a device that cannot be opened, and a
slow simulated device beyond its threshold. Each is loaded into an <iframe> of a harness page
written here; the harness's script (the report itself has none, and its Content-Security-Policy
would refuse one) reads the rendered report's DOM (devices, charts, series, the points the
browser laid out, violated rows, errors) and writes its findings into its own DOM, which
`--dump-dom` prints. Chromium's console goes to stderr (`--enable-logging=stderr`): the harness
logs one line, so the test knows the console is captured, and any other console line (a refused
resource, an error) fails it. Then a screenshot of the first report is written to WORK_DIR.

Usage: report_html_browser_test.py BINARY WORK_DIR   (ctest: report.html_browser)
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

binary, work = sys.argv[1:3]
os.makedirs(work, exist_ok=True)
failures = []
BLOCK_SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
HARNESS_LOG = "harness: findings written"

# The device name is markup on purpose: the browser must show it as text.
SWEEP_CONFIG = """devices:
  - {name: "sim<0>&", backend: sim, sweep: {budget: 200ms, iterations: {read: 300, write: 300, rw: 150}}}
  - {name: broken0, backend: sim, sim: {path: /nonexistent-dir/pcie-bar-sim}}
"""
# Reads take 2 us; the threshold allows a median of 1 us on READ 8 B and 64 B: two violations.
THRESHOLD_CONFIG = """devices:
  - {name: slow0, backend: sim, sim: {model: {read_latency: 2us, jitter: 0}}, writes: {enabled: false},
     verify: [], sweep: {block_sizes: [8, 64], iterations: {read: 100}},
     thresholds: [{op: read, max_p50: 1us}]}
"""

HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<iframe id="report" src="REPORT" width="1400" height="3000"></iframe><pre id="findings"></pre>
<script>
function inside(svg, el) {
  const s = svg.getBoundingClientRect(), b = el.getBoundingClientRect();
  return b.width > 0 && b.left >= s.left && b.right <= s.right && b.top >= s.top && b.bottom <= s.bottom;
}
function series(svg, g) {
  const points = [...g.querySelectorAll('circle.point')];
  return {op: g.dataset.op, stat: g.dataset.stat || null, points: points.length,
          drawn: points.filter(c => inside(svg, c)).length, rings: g.querySelectorAll('circle.violation').length};
}
function chart(svg) {
  return {chart: svg.dataset.chart, op: svg.dataset.op || null, width: svg.getBoundingClientRect().width,
          series: [...svg.querySelectorAll('g.series')].map(g => series(svg, g))};
}
function device(section) {
  return {name: section.dataset.device, heading: section.querySelector('h2').firstChild.textContent.trim(),
          result: section.dataset.result, errors: [...section.querySelectorAll('p.error')].map(p => p.textContent),
          violated_rows: section.querySelectorAll('table.thresholds tr.violated').length,
          charts: [...section.querySelectorAll('svg.chart')].map(chart)};
}
window.addEventListener('load', () => {
  const doc = document.getElementById('report').contentDocument;
  const findings = doc ? {title: doc.title, scripts: doc.scripts.length,
                          devices: [...doc.querySelectorAll('section.device')].map(device)} : {error: 'no report'};
  document.getElementById('findings').textContent = JSON.stringify(findings);
  console.log('HARNESS_LOG');
});
</script></body></html>
""".replace("HARNESS_LOG", HARNESS_LOG)


def chromium(args, what):
    """Runs headless Chromium on a throwaway profile; returns (stdout, console lines, seconds)."""
    profile = tempfile.mkdtemp(prefix="pcie-bar-chromium-")
    try:
        start = time.monotonic()
        run = subprocess.run(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args],
                             capture_output=True, text=True, timeout=60)
        seconds = time.monotonic() - start
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if run.returncode != 0:
        failures.append(f"{what}: chromium exit code {run.returncode}: {run.stderr[-2000:]}")
    return run.stdout, [line for line in run.stderr.splitlines() if ":CONSOLE" in line], seconds


def report(name, config, want_rc):
    config_path = os.path.join(work, name + ".yml")
    with open(config_path, "w") as f:
        f.write(config)
    run = subprocess.run([binary, "--once", "--output", "html", "--config.file", config_path],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != want_rc:
        failures.append(f"{name}: exit code {run.returncode}, expected {want_rc}; stderr: {run.stderr.strip()}")
    path = os.path.join(work, name + ".html")
    with open(path, "w") as f:
        f.write(run.stdout)
    return path


def findings_of(report_path, name):
    harness = os.path.join(work, name + "-harness.html")
    with open(harness, "w") as f:
        f.write(HARNESS.replace("REPORT", os.path.basename(report_path)))
    dom, console, seconds = chromium(["--allow-file-access-from-files", "--virtual-time-budget=10000", "--dump-dom",
                                      "file://" + os.path.abspath(harness)], name)
    print(f"{name}: chromium --dump-dom took {seconds:.1f} s")
    if not any(HARNESS_LOG in line for line in console):
        failures.append(f"{name}: the harness's console line is not in Chromium's log: console not captured?")
    for line in console:
        if HARNESS_LOG not in line:
            failures.append(f"{name}: console: {line}")
    found = re.search(r'<pre id="findings">(.*?)</pre>', dom, re.S)
    if not found or not found.group(1):
        failures.append(f"{name}: no findings in the DOM: {dom[:500]}")
        return None
    return json.loads(html.unescape(found.group(1)))


def expect(name, what, got, want):
    if got != want:
        failures.append(f"{name}: {what}: {got!r}, expected {want!r}")


def check_chart(name, chart, want_series, want_points):
    """want_series: the (op, stat) of each series in order; want_points: points per series."""
    where = f"{name} {chart['chart']} {chart['op'] or ''}".strip()
    expect(where, "series", [(s["op"], s["stat"]) for s in chart["series"]], want_series)
    for s in chart["series"]:
        expect(where, f"points of {s['op']} {s['stat'] or ''}", s["points"], want_points)
        expect(where, f"points laid out inside the chart for {s['op']} {s['stat'] or ''}", s["drawn"], want_points)
    if chart["width"] < 300:
        failures.append(f"{where}: rendered {chart['width']} px wide")


def latency_series(op):
    return [(op, "p50"), (op, "p99"), (op, "p999")]


def check_sweep(found):
    name = "sweep"
    expect(name, "scripts in the report", found["scripts"], 0)
    devices = found["devices"]
    expect(name, "devices", [(d["name"], d["result"]) for d in devices], [("sim<0>&", "ok"), ("broken0", "error")])
    if len(devices) != 2:
        return
    sim, broken = devices
    expect(name, "heading shown as text", sim["heading"], "sim<0>&")
    charts = sim["charts"]
    expect(name, "charts", [(c["chart"], c["op"]) for c in charts],
           [("throughput", None), ("latency", "read"), ("latency", "write"), ("latency", "rw")])
    if len(charts) == 4:
        check_chart(name, charts[0], [("read", None), ("write", None), ("rw", None)], len(BLOCK_SIZES))
        for chart, op in zip(charts[1:], ["read", "write", "rw"]):
            check_chart(name, chart, latency_series(op), len(BLOCK_SIZES))
    expect(name, "errors of sim<0>&", sim["errors"], [])
    expect(name, "charts of broken0", broken["charts"], [])
    if len(broken["errors"]) != 1 or "/nonexistent-dir/pcie-bar-sim" not in broken["errors"][0]:
        failures.append(f"{name}: broken0's error shown is {broken['errors']}")


def check_threshold(found):
    name = "threshold"
    devices = found["devices"]
    expect(name, "devices", [(d["name"], d["result"]) for d in devices], [("slow0", "fail")])
    if len(devices) != 1:
        return
    slow = devices[0]
    expect(name, "violated threshold rows", slow["violated_rows"], 2)
    charts = slow["charts"]
    expect(name, "charts", [(c["chart"], c["op"]) for c in charts], [("throughput", None), ("latency", "read")])
    if len(charts) == 2:
        check_chart(name, charts[0], [("read", None)], 2)
        check_chart(name, charts[1], latency_series("read"), 2)
        expect(name, "violation rings", [s["rings"] for c in charts for s in c["series"]], [2, 2, 2, 2])


start = time.monotonic()
sweep_report = report("sweep", SWEEP_CONFIG, 3)
threshold_report = report("threshold", THRESHOLD_CONFIG, 1)
for path in (sweep_report, threshold_report):
    text = open(path).read()
    for outside in ("http://", "https://", "src=", "<script"):
        if outside in text:
            failures.append(f"{os.path.basename(path)}: refers outside or runs a script: {outside!r}")

found = findings_of(sweep_report, "sweep")
if found:
    check_sweep(found)
found = findings_of(threshold_report, "threshold")
if found:
    check_threshold(found)

screenshot = os.path.join(work, "report-html.png")
if os.path.exists(screenshot):
    os.remove(screenshot)
_, console, seconds = chromium(["--hide-scrollbars", "--window-size=1400,2000", f"--screenshot={screenshot}",
                                "file://" + os.path.abspath(sweep_report)], "screenshot")
print(f"screenshot: {seconds:.1f} s, {screenshot}")
for line in console:
    failures.append(f"screenshot: console: {line}")
if not os.path.exists(screenshot) or open(screenshot, "rb").read(8) != b"\x89PNG\r\n\x1a\n":
    failures.append(f"screenshot: no PNG at {screenshot}")
elif os.path.getsize(screenshot) < 20000:
    failures.append(f"screenshot: {os.path.getsize(screenshot)} bytes: an empty page?")

print(f"took {time.monotonic() - start:.1f} s in all")
for f in failures:
    print("FAIL", f)
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
