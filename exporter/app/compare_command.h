#pragma once
// `pcie_bar_exporter compare A.json B.json`: two saved --once JSON reports compared cell by cell,
// with a noise-aware verdict per cell (core/cell_change.h), for CI and for comparing two devices,
// slots or bitstreams.

#include <ostream>
#include <string>
#include <vector>

#include "exporter/app/cli.h"

namespace pcie_bar {

struct CompareOptions {
  bool help = false;
  std::string baseline, run;  // A and B
  OutputFormat output = OutputFormat::kTable;
};

// Throws ConfigError (exit 2) for a bad command line: two files, --output table or json.
CompareOptions parse_compare_cli(const std::vector<std::string>& args);

// Reads both reports and writes the comparison. Returns 0 when no cell got slower, 1 when one did.
// Throws ReportReadError (exit 2) for a file that is not a readable report, or for two reports
// that share no device.
int run_compare(const CompareOptions& options, std::ostream& out);

extern const char* const kCompareUsage;

}  // namespace pcie_bar
