#include "exporter/app/exit_code.h"

namespace pcie_bar {

ExitCode exit_code_for(const std::vector<DeviceRun>& runs, bool baseline_regression) {
  bool device_error = false, check_failed = baseline_regression;
  for (const DeviceRun& d : runs) {
    device_error |= !d.error.empty();
    check_failed |= d.failed_checks();
  }
  return device_error ? kExitDeviceError : check_failed ? kExitCheckFailed : kExitOk;
}

}  // namespace pcie_bar
