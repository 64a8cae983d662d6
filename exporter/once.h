#pragma once

#include <ostream>

#include "core/measure.h"
#include "exporter/cli.h"

namespace pcie_bar {

// Exit codes of the command line, as documented in README.md.
enum ExitCode : int { kExitOk = 0, kExitCheckFailed = 1, kExitUsage = 2, kExitDeviceError = 3 };

// --once: measures every device, writes the report in the chosen format to `out`.
// Returns 3 if a device could not be opened or failed mid-run, else 1 if a verify probe or an
// R+W compare failed, else 0.
int run_once(const CliOptions& cli, const std::vector<DeviceSpec>& devices, std::ostream& out);

// Logs (warn) what opening the device's BAR did or risks (BarProperties::warnings): a reset by
// vfio-pci, registers a live driver owns.
void log_device_warnings(const std::string& device, const BarProperties& bar);

// The exit code for a set of completed runs, as run_once returns it.
int exit_code_for(const std::vector<DeviceRun>& runs);

}  // namespace pcie_bar
