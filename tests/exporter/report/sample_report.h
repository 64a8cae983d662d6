#pragma once
// A fixed report, built by hand, so reporter tests can assert exact figures.

#include "exporter/report/report.h"
#include "exporter/report/saved_report.h"

namespace pcie_bar::testing {

inline OpResult sample_result(Op op, uint64_t block, uint64_t ticks_each, uint64_t ops) {
  OpResult r;
  r.op = op;
  r.block_size = block;
  r.ops = ops;
  r.bytes = ops * block * (op == Op::kReadWrite ? 2 : 1);
  r.iterations_planned = ops;
  for (uint64_t i = 0; i < ops; ++i) r.latency.record(ticks_each);
  return r;
}

// A device that could not be opened: no results, only the error.
inline DeviceRun failed_run(const std::string& name, Backend backend, const std::string& address,
                            const std::string& error) {
  DeviceRun d;
  d.spec.name = name;
  d.spec.backend = backend;
  d.spec.address = address;
  d.error = error;
  return d;
}

inline OnceReport sample_report() {
  OnceReport rep;
  rep.clock_source = "tsc";
  rep.clock_overhead_seconds = 9e-9;
  DeviceRun d;
  d.spec.name = "fpga0";
  d.spec.backend = Backend::kVfio;
  d.spec.address = "0000:22:00.0";
  d.opened = true;
  d.bar.size = 65536;
  d.bar.description = "vfio region 0";
  d.sweep.seconds_per_unit = 1e-9;  // 1 unit = 1 ns
  d.timing_cpu = {5, 1, true, ""};
  d.sweep.window_restored = true;
  d.sweep.results = {sample_result(Op::kRead, 4, 1000, 10),       // 4 B per µs = 4 MB/s
                     sample_result(Op::kWrite, 4, 500, 10),       // 8 MB/s
                     sample_result(Op::kReadWrite, 4, 2000, 5)};  // 8 B per 2 µs = 4 MB/s
  d.sweep.results[2].mismatches = 1;
  d.sweep.results[0].iterations_planned = 100;  // planned down to fit sweep.budget
  d.sweep.results[0].budget_limited = true;
  VerifyResult v;
  v.offset = 0x4;
  v.width = 4;
  v.status = VerifyStatus::kMismatch;
  v.written = 0x12345678;
  v.read_back = 0xedcba987;
  v.mismatch_bits = 0xffffffff;
  v.before = std::vector<std::byte>(16, std::byte{0x41});
  v.after = std::vector<std::byte>(16, std::byte{0x00});
  d.verify = {v};
  rep.devices.push_back(d);
  return rep;
}

// The sample report compared with itself saved, its READ cell twice as fast in the baseline.
inline OnceReport sample_report_with_baseline() {
  OnceReport rep = sample_report();
  SavedDevice saved = saved_device(rep.devices[0]);
  saved.cells[0].figures.throughput *= 2;
  saved.cells[0].figures.p50 /= 2;
  saved.cells[0].figures.p50_ci_low /= 2;
  saved.cells[0].figures.p50_ci_high /= 2;
  SavedReport baseline;
  baseline.source = "old.json";
  baseline.devices = {saved};
  SavedReport run;
  run.source = "this run";
  run.devices = {saved_device(rep.devices[0])};
  rep.baseline = compare_reports(baseline, run);
  return rep;
}

}  // namespace pcie_bar::testing
