#include "exporter/once.h"

#include <iostream>

#include "exporter/log.h"
#include "exporter/report.h"

namespace pcie_bar {

int run_once(const CliOptions& cli, const std::vector<DeviceSpec>& devices, std::ostream& out) {
  const Clock clock = Clock::calibrate();
  OnceReport report;
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
  }
  // Whatever the format, a device that failed is said on stderr too, one line each, so a script
  // that keeps only stdout (or a CSV with no row for it) still shows why the exit code is 3.
  for (const DeviceRun& d : report.devices)
    if (!d.error.empty()) std::cerr << "pcie_bar_exporter: device '" << d.spec.name << "': " << d.error << "\n";
  return exit_code_for(report.devices);
}

void log_device_warnings(const std::string& device, const BarProperties& bar) {
  for (const std::string& w : bar.warnings) log_event(LogLevel::kWarn, "device warning", {{"device", device}, {"warning", w}});
}

int exit_code_for(const std::vector<DeviceRun>& runs) {
  bool device_error = false, check_failed = false;
  for (const DeviceRun& d : runs) {
    device_error |= !d.error.empty();
    check_failed |= d.failed_checks();
  }
  return device_error ? kExitDeviceError : check_failed ? kExitCheckFailed : kExitOk;
}

}  // namespace pcie_bar
