#pragma once
// A saved `--once --output json` report read back into plain structs: what `compare`, `--baseline`
// and the config's `baseline` compare a run with. Only the figures a comparison needs are read;
// the rest of the report (context aside) is left alone, so fields added later do not break it.

#include <stdexcept>
#include <string>
#include <vector>

#include "core/cell_change.h"
#include "core/measure.h"

namespace pcie_bar {

struct SavedDevice {
  std::string name;
  std::string error;        // empty: the run completed
  std::vector<Cell> cells;  // the cells that ran ops, in the report's order
};

struct SavedReport {
  std::string source;  // the file it was read from
  std::string host, date, tool_version;
  std::vector<SavedDevice> devices;
};

// A file that cannot be read as a report: one line naming the file and what is wrong.
class ReportReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Both throw ReportReadError: unreadable, not JSON, not a report, another schema_version, or a
// figure missing ("A.json: devices[0].results[2].latency_seconds.p50: expected a number").
SavedReport read_saved_report(const std::string& path);
SavedReport parse_saved_report(const std::string& text, const std::string& source);

// The device of `report` that a device called `name` is compared with: the one of that name, or
// the only one when the report holds one device (two slots, two cards). nullptr when neither.
const SavedDevice* matching_device(const SavedReport& report, const std::string& name);

// Reads the report each device's config `baseline` names and keeps the cells of its matching
// device (matching_device). Throws ReportReadError, one line naming the config key and the file:
// "pcie.yml:9:15: devices[0].baseline: old.json: cannot open the report: No such file or directory".
void load_baselines(std::vector<DeviceSpec>& devices);

// A run's cells as its saved report would hold them, so a run and a file are compared alike.
SavedDevice saved_device(const DeviceRun& run);

// The figures of one cell of a run, as op_stats gives them and the JSON report saves them.
CellFigures cell_figures(const OpResult& r, double seconds_per_unit);

}  // namespace pcie_bar
