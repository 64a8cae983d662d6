#pragma once
// The command line's exit codes, a contract with the scripts that run it (README: Exit codes).

#include <vector>

#include "core/measure.h"

namespace pcie_bar {

enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,
  kExitUsage = 2,
  kExitDeviceError = 3,
  kExitInternalError = 70,  // EX_SOFTWARE of sysexits.h: a bug, never the device's or the user's fault
};

// The exit code for a set of completed runs: 3 if a device could not be opened or failed
// mid-run, else 1 if a verify probe or an R+W compare failed, a threshold was violated or (with a
// baseline) a cell got slower, else 0.
ExitCode exit_code_for(const std::vector<DeviceRun>& runs, bool baseline_regression = false);

}  // namespace pcie_bar
