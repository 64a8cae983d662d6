#pragma once
// Two runs compared cell by cell (core/cell_change.h decides each verdict): `compare A.json B.json`,
// and `--once --baseline` where B is the run just made. Devices are matched by name, or, when each
// side holds exactly one device, those two (two slots, two cards, two bitstreams).

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "core/cell_change.h"
#include "exporter/report/saved_report.h"

namespace pcie_bar {

struct CellComparison {
  Op op = Op::kRead;
  uint64_t block_size = 0;
  CellFigures before, after;
  CellChange change;
};

struct DeviceComparison {
  std::string name;                   // the device in B (the run)
  std::string baseline_name;          // its match in A (the baseline)
  std::string baseline_source;        // the file A
  std::vector<CellComparison> cells;  // cells measured on both sides, in B's order
  std::size_t cells_only_in_baseline = 0, cells_only_in_run = 0;

  std::size_t count(Verdict v) const;
};

struct Comparison {
  std::string run_source;  // the file B, or "this run"
  std::vector<DeviceComparison> devices;
  // What could not be compared, one sentence each: a device on one side only, or a device that
  // failed ("device fpga1: only in A.json").
  std::vector<std::string> notes;

  std::size_t count(Verdict v) const;
  std::size_t cells() const;
  bool regression() const { return count(Verdict::kSlower) > 0; }
};

DeviceComparison compare_device(const SavedDevice& baseline, const std::string& baseline_source,
                                const SavedDevice& run);
Comparison compare_reports(const SavedReport& baseline, const SavedReport& run);

// A table of every cell (throughputs, ratio, difference, p50 and p99 ratios, verdict), a summary
// line and the notes. `title` heads each device's table ("COMPARISON", "BASELINE").
void write_comparison_table(const Comparison& c, const std::string& title, std::ostream& out);
void write_comparison_json(const Comparison& c, std::ostream& out);

// "1 of 39 cells slower, 2 faster, 36 same": the summary line's figures.
std::string verdict_counts(const Comparison& c);

}  // namespace pcie_bar
