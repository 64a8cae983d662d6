#!/usr/bin/env python3
"""The JSON report's schema (exporter/report/report.schema.json) against real output of the
binary: a default run, a run with writes and write-verify probes, a run with thresholds, and a
run whose device cannot be opened, a run with repetitions compared with a saved report (--baseline: the
`baseline` object) and `compare --output json` (the same object); and the CSV of that failed device keeps its
error in a row of its own.

Usage: report_schema_test.py BINARY SOURCE_DIR WORK_DIR   (ctest: report.schema)
"""
import csv, io, json, os, subprocess, sys

import jsonschema

binary, source, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
schema = json.load(open(os.path.join(source, "exporter/report/report.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = []


def once(name, args, want_rc):
    run = subprocess.run([binary, "--once", *args], capture_output=True, text=True, timeout=300)
    if want_rc is not None and run.returncode != want_rc:
        failures.append(f"{name}: exit code {run.returncode}, expected {want_rc}; stderr: {run.stderr.strip()}")
    return run.stdout


def validate(name, text):
    try:
        report = json.loads(text)
    except json.JSONDecodeError as e:
        failures.append(f"{name}: not JSON: {e}")
        return None
    for error in validator.iter_errors(report):
        failures.append(f"{name}: {'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}")
    return report


# A failed device in both formats: a sim BAR whose backing file cannot be created.
failing = os.path.join(work, "failing.yml")
with open(failing, "w") as f:
    f.write("devices:\n"
            "  - {name: ok0, backend: sim, sweep: {block_sizes: [8]}}\n"
            "  - {name: broken0, backend: sim, sim: {path: /nonexistent-dir/pcie-bar-sim}}\n")

# A threshold no device meets: the run exits 1 and every check is in the report.
strict = os.path.join(work, "thresholds.yml")
with open(strict, "w") as f:
    f.write("devices:\n"
            "  - {name: strict0, backend: sim, sweep: {block_sizes: [8, 64]},"
            " thresholds: [{op: read, min_throughput: 1000GB/s}, {max_p99: 1s}]}\n")

default = validate("default", once("default", ["--output", "json"], 0))
thresholds = validate("thresholds", once("thresholds", ["--output", "json", "--config.file", strict], 1))
validate("writes and probes", once("writes and probes",
         ["--output", "json", "--config.file", os.path.join(source, "config/examples/sim.yml")], 0))
broken = validate("failed device", once("failed device", ["--output", "json", "--config.file", failing], 3))

# Repetitions (each one's throughput in the report) and a baseline: the run compared with itself.
repeated = os.path.join(work, "repeated.yml")
with open(repeated, "w") as f:
    f.write("devices:\n  - {name: rep0, backend: sim, sweep: {block_sizes: [8, 64], repetitions: 5}}\n")
saved = os.path.join(work, "repeated.json")
with open(saved, "w") as f:
    f.write(once("repetitions", ["--output", "json", "--config.file", repeated], 0))
with_baseline = validate("baseline", once("baseline", ["--output", "json", "--config.file", repeated,
                                                       "--baseline", saved], None))
if with_baseline:
    cells = with_baseline["baseline"]["devices"][0]["cells"]
    reps = with_baseline["devices"][0]["results"][0]["repetitions"]
    if len(cells) != 6 or cells[0]["method"] != "u_test" or len(reps.get("throughputs_bytes_per_second", [])) != 5:
        failures.append(f"baseline: cells {cells}, repetitions {reps}")
run = subprocess.run([binary, "compare", saved, saved, "--output", "json"], capture_output=True, text=True, timeout=60)
if run.returncode != 0:
    failures.append(f"compare: exit code {run.returncode}; stderr: {run.stderr.strip()}")
else:
    compared = json.loads(run.stdout)
    comparison = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/comparison"}
    for error in jsonschema.Draft202012Validator(comparison).iter_errors(compared):
        failures.append(f"compare: {'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}")

if default:
    context = default["context"]
    if context["tool_version"] == "" or context["date"] == "":
        failures.append(f"default: context lacks the version or date: {context}")
    if not context["kernel"].startswith("Linux "):
        failures.append(f"default: kernel is {context['kernel']!r}")
    if default["devices"][0]["verify"] == [] and default["devices"][0]["results"] == []:
        failures.append("default: no results")
if thresholds:
    checks = thresholds["devices"][0]["thresholds"]
    violated = sorted((c["op"], c["block_size"], c["limit"]) for c in checks if c["violated"])
    if len(checks) != 8 or violated != [("read", 8, "min_throughput"), ("read", 64, "min_throughput")]:
        failures.append(f"thresholds: checks are {checks}")
if broken:
    errors = {d["name"]: d["error"] for d in broken["devices"]}
    if errors.get("ok0") is not None or not errors.get("broken0"):
        failures.append(f"failed device: errors by device are {errors}")

rows = list(csv.reader(io.StringIO(once("failed device, CSV", ["--output", "csv", "--config.file", failing], 3))))
header, body = rows[0], rows[1:]
broken_rows = [r for r in body if r[0] == "broken0"]
error = header.index("error") if "error" in header else None
if error is None:
    failures.append(f"CSV: no error column in {header}")
elif len(broken_rows) != 1 or len(broken_rows[0]) != len(header) or "nonexistent-dir" not in broken_rows[0][error]:
    failures.append(f"CSV: the failed device's rows are {broken_rows}")
if error is not None and any(len(r) != len(header) or r[error] != "" for r in body if r[0] == "ok0"):
    failures.append("CSV: the working device's rows have a different shape or an error")

for f in failures:
    print("FAIL", f)
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
