#include <algorithm>
#include <cstdio>
#include <string_view>

#include "core/stats.h"
#include "exporter/report/report.h"

namespace pcie_bar {

namespace {

// Fields are names, numbers and PCI addresses; quote anyway so a device name with a comma
// cannot shift the columns.
std::string quoted(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// The device's four columns, the measurement's (op to repetitions_throughput_cv), then error
// and threshold_violations.
constexpr std::string_view kDeviceColumns = "device,backend,address,bar,";
constexpr std::string_view kMeasurementColumns =
    "op,block_size,ops,bytes,seconds,throughput_bytes_per_second,mismatches,"
    "latency_min_seconds,latency_mean_seconds,latency_p50_seconds,latency_p99_seconds,latency_max_seconds,"
    "ops_per_sample,iterations_planned,budget_limited,underpowered,samples,latency_p999_seconds,"
    "latency_stddev_seconds,latency_cv,latency_p50_ci95_low_seconds,latency_p50_ci95_high_seconds,repetitions,"
    "repetitions_median_throughput_bytes_per_second,repetitions_throughput_cv,";
constexpr std::string_view kCheckColumns = "error,threshold_violations";
// Only with a baseline (--baseline, or config `baseline`), so the default header never changes.
constexpr std::string_view kBaselineColumns =
    ",baseline_throughput_ratio,baseline_p50_ratio,baseline_p99_ratio,baseline_verdict";

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// The cell's violated limits, "max_p99;min_throughput" (JSON and the table give the figures).
std::string violations_of(const DeviceRun& d, const OpResult& r) {
  std::string names;
  for (const ThresholdCheck& c : d.thresholds)
    if (c.violated && c.op == r.op && c.block_size == r.block_size)
      names += std::string(names.empty() ? "" : ";") + limit_name(c.limit);
  return names;
}

// The cell's comparison with the baseline: ratios and verdict, or empty columns for a cell the
// baseline does not hold.
std::string baseline_columns_of(const OnceReport& report, const DeviceRun& d, const OpResult& r) {
  if (!report.baseline) return "";
  for (const DeviceComparison& dc : report.baseline->devices) {
    if (dc.name != d.spec.name) continue;
    for (const CellComparison& c : dc.cells)
      if (c.op == r.op && c.block_size == r.block_size)
        return ',' + num(c.change.throughput_ratio) + ',' + num(c.change.p50_ratio) + ',' + num(c.change.p99_ratio) +
               ',' + name_of(c.change.verdict);
  }
  return ",,,,";
}

}  // namespace

void write_csv(const OnceReport& report, std::ostream& out) {
  out << kDeviceColumns << kMeasurementColumns << kCheckColumns << (report.baseline ? kBaselineColumns : "") << '\n';
  const std::string empty_measurement(std::count(kMeasurementColumns.begin(), kMeasurementColumns.end(), ','), ',');
  for (const DeviceRun& d : report.devices) {
    const std::string device = quoted(d.spec.name) + ',' + backend_name(d.spec.backend) + ',' + quoted(d.spec.address) +
                               ',' + std::to_string(d.spec.bar) + ',';
    // A device that failed before it measured anything still gets its row: the columns of the
    // measurement empty, the error in the last one.
    if (d.sweep.results.empty() && !d.error.empty())
      out << device << empty_measurement << quoted(d.error) << ',' << (report.baseline ? ",,,," : "") << '\n';
    for (const OpResult& r : d.sweep.results) {
      OpStats s = op_stats(r, d.sweep.seconds_per_unit);
      out << device << op_name(r.op) << ',' << r.block_size << ',' << r.ops << ',' << r.bytes << ',' << num(s.seconds)
          << ',' << num(s.throughput_bytes_per_second) << ',' << r.mismatches << ',' << num(s.latency.min) << ','
          << num(s.latency.mean) << ',' << num(s.latency.p50) << ',' << num(s.latency.p99) << ',' << num(s.latency.max)
          << ',' << r.ops_per_sample << ',' << r.iterations_planned << ',' << (r.budget_limited ? "true" : "false")
          << ',' << (r.underpowered() ? "true" : "false") << ',' << r.samples << ',' << num(s.latency.p999) << ','
          << num(s.latency.stddev) << ',' << num(s.latency.cv) << ',' << num(s.latency.p50_ci_low) << ','
          << num(s.latency.p50_ci_high) << ',' << s.repetitions.count << ',' << num(s.repetitions.median_throughput)
          << ',' << num(s.repetitions.cv) << ',' << (d.error.empty() ? "" : quoted(d.error)) << ','
          << violations_of(d, r) << baseline_columns_of(report, d, r) << '\n';
    }
  }
}

}  // namespace pcie_bar
