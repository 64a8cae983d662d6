#pragma once

#include <ostream>

#include "core/measure.h"
#include "exporter/app/cli.h"

namespace pcie_bar {

// --once: measures every device, writes the report in the chosen format to `out` and returns
// the exit code for the runs (exit_code_for).
int run_once_mode(const CliOptions& cli, const std::vector<DeviceSpec>& devices, std::ostream& out);

}  // namespace pcie_bar
