#pragma once
// Where and with what a report was made, so a saved report can be trusted (and compared) later:
// the JSON report's `context` block (exporter/report/report.schema.json).

#include <string>

namespace pcie_bar {

// Bumped when a field of the JSON report is renamed, removed or changes meaning; adding a field
// keeps it (readers ignore what they do not know).
inline constexpr int kReportSchemaVersion = 1;

struct ReportContext {
  std::string tool_version, tool_revision;
  std::string host;       // gethostname()
  std::string kernel;     // uname: sysname release
  std::string cpu_model;  // /proc/cpuinfo's first "model name"
  std::string date;       // when the run started, UTC, ISO 8601 (2026-11-30T05:00:00Z)
};

// Reads the facts from this host; `proc_root` is /proc (a directory of the same shape in tests).
// A fact that cannot be read is an empty string, never an error: a report is still worth having.
ReportContext collect_report_context(const std::string& proc_root = "/proc");

}  // namespace pcie_bar
