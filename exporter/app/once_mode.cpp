#include "exporter/app/once_mode.h"

#include <iostream>

#include "config/config_error.h"
#include "exporter/app/device_warnings.h"
#include "exporter/app/exit_code.h"
#include "exporter/report/report.h"
#include "exporter/report/saved_report.h"

namespace pcie_bar {

namespace {

// The report --baseline names, read before anything is measured: a bad file costs no run.
std::optional<SavedReport> read_flag_baseline(const CliOptions& cli) {
  if (cli.baseline_file.empty()) return std::nullopt;
  try {
    return read_saved_report(cli.baseline_file);
  } catch (const ReportReadError& e) {
    throw ConfigError(std::string("--baseline: ") + e.what());
  }
}

// --baseline compares every device of the run (by name, or its only device with the report's
// only one); without it, each device with a config `baseline` is compared with that report.
std::optional<Comparison> compare_with_baselines(const std::optional<SavedReport>& flag_baseline,
                                                 const std::vector<DeviceRun>& runs) {
  SavedReport run;
  run.source = "this run";
  for (const DeviceRun& d : runs) run.devices.push_back(saved_device(d));
  if (flag_baseline) return compare_reports(*flag_baseline, run);
  Comparison c;
  c.run_source = run.source;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i].spec.baseline) continue;
    const BaselineSpec& b = *runs[i].spec.baseline;
    c.devices.push_back(compare_device(SavedDevice{b.device, "", b.cells}, b.path, run.devices[i]));
  }
  if (c.devices.empty()) return std::nullopt;
  return c;
}

}  // namespace

int run_once_mode(const CliOptions& cli, const std::vector<DeviceSpec>& devices, std::ostream& out) {
  const std::optional<SavedReport> flag_baseline = read_flag_baseline(cli);
  const Clock clock = Clock::calibrate();
  OnceReport report;
  report.context = collect_report_context();
  report.clock_source = clock.source_name();
  report.clock_fallback_reason = clock.fallback_reason();
  report.clock_overhead_seconds = clock.overhead_seconds();
  for (const DeviceSpec& spec : devices) {
    report.devices.push_back(measure_device(spec, clock));
    log_device_warnings(spec.name, report.devices.back().bar);
  }
  report.baseline = compare_with_baselines(flag_baseline, report.devices);

  switch (cli.output) {
    case OutputFormat::kTable: write_table(report, out); break;
    case OutputFormat::kJson: write_json(report, out); break;
    case OutputFormat::kCsv: write_csv(report, out); break;
    case OutputFormat::kHtml: write_html(report, out); break;
  }
  // Whatever the format, a device that failed is said on stderr too, one line each, so a script
  // that keeps only stdout (or a CSV with no row for it) still shows why the exit code is 3.
  for (const DeviceRun& d : report.devices)
    if (!d.error.empty()) std::cerr << "pcie_bar_exporter: device '" << d.spec.name << "': " << d.error << "\n";
  return exit_code_for(report.devices, report.baseline && report.baseline->regression());
}

}  // namespace pcie_bar
