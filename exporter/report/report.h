#pragma once
// Reporters for --once: each turns the same plain results into one output format.

#include <optional>
#include <ostream>
#include <vector>

#include "core/clock.h"
#include "core/measure.h"
#include "exporter/report/comparison.h"
#include "exporter/report/report_context.h"

namespace pcie_bar {

struct OnceReport {
  ReportContext context;
  std::string clock_source;
  std::string clock_fallback_reason;
  double clock_overhead_seconds = 0;
  std::vector<DeviceRun> devices;
  // With --baseline (or devices' config `baseline`): the run compared with the saved report.
  std::optional<Comparison> baseline;
};

void write_table(const OnceReport& report, std::ostream& out);
void write_json(const OnceReport& report, std::ostream& out);
void write_csv(const OnceReport& report, std::ostream& out);
// One self-contained HTML page: inline CSS and SVG charts, no script, nothing loaded from elsewhere.
void write_html(const OnceReport& report, std::ostream& out);

}  // namespace pcie_bar
