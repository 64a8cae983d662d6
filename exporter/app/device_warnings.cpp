#include "exporter/app/device_warnings.h"

#include "exporter/common/log.h"

namespace pcie_bar {

void log_device_warnings(const std::string& device, const BarProperties& bar) {
  for (const std::string& w : bar.warnings)
    log_event(LogLevel::kWarn, "device warning", {{"device", device}, {"warning", w}});
}

}  // namespace pcie_bar
