#!/usr/bin/env python3
"""Head series of a real Prometheus scraping one exporter with 8 simulated devices, per metrics
profile, with and without native histograms (BENCHMARKS.md: "Series per device").

Usage: series_per_profile.py EXPORTER_BINARY [DEVICES]
For each profile (full, fleet) and each Prometheus mode (classic: text scrapes; native:
--enable-feature=native-histograms, which asks for protobuf), starts the exporter and Debian's
prometheus on free loopback ports, waits for three scrapes and prints one JSON line: profile,
mode, devices, head series (from /api/v1/status/tsdb), series per device, and the bytes of the
exporter's page in the format that mode scrapes.
"""
import json, os, socket, subprocess, sys, tempfile, time, urllib.request

exporter, devices = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8
PROTOBUF = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, accept=None, timeout=5):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def wait_until(check, seconds, what):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"series_per_profile.py: {what} did not happen within {seconds} s")


def head_series(port):
    return json.loads(get(f"http://127.0.0.1:{port}/api/v1/status/tsdb"))["data"]["headStats"]["numSeries"]



def measure(work, profile, native):
    config = os.path.join(work, f"{profile}.yml")
    with open(config, "w") as f:
        f.write("devices:\n")
        for i in range(devices):
            f.write(f"  - {{name: sim{i}, backend: sim, sweep: {{interval: 1s, budget: 100ms}}, "
                    f"metrics: {{profile: {profile}}}}}\n")
    eport, pport = free_port(), free_port()
    exp = subprocess.Popen([exporter, "--config.file", config, "--web.listen-address", f"127.0.0.1:{eport}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tsdb = tempfile.mkdtemp(dir=work)
    with open(os.path.join(tsdb, "prometheus.yml"), "w") as f:
        f.write(f"global: {{scrape_interval: 1s}}\nscrape_configs:\n  - job_name: pcie_bar\n"
                f"    static_configs: [{{targets: ['127.0.0.1:{eport}']}}]\n")
    args = ["prometheus", f"--config.file={tsdb}/prometheus.yml", f"--storage.tsdb.path={tsdb}/data",
            f"--web.listen-address=127.0.0.1:{pport}"] + (["--enable-feature=native-histograms"] if native else [])
    prom = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: get(f"http://127.0.0.1:{eport}/-/ready"), 30, "the exporter's first runs")
        wait_until(lambda: head_series(pport) > 0, 30, "the first scrape")
        time.sleep(4)  # a few more scrapes: every series is there after the first, none come later
        series = head_series(pport)
        page = get(f"http://127.0.0.1:{eport}/metrics", PROTOBUF if native else None)
        return {"profile": profile, "mode": "native" if native else "classic", "devices": devices,
                "head_series": series, "series_per_device": round(series / devices, 1), "page_bytes": len(page)}
    finally:
        for p in (prom, exp):
            p.terminate()
            p.wait()


with tempfile.TemporaryDirectory() as work:
    for profile in ("full", "fleet"):
        for native in (False, True):
            print(json.dumps(measure(work, profile, native)), flush=True)
