#include "exporter/app/once_mode.h"

#include <iostream>

#include "exporter/app/device_warnings.h"
#include "exporter/app/exit_code.h"
#include "exporter/report/report.h"

namespace pcie_bar {

int run_once_mode(const CliOptions& cli, const std::vector<DeviceSpec>& devices, std::ostream& out) {
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
  return exit_code_for(report.devices);
}

}  // namespace pcie_bar
