#pragma once

#include <string>

#include "core/bar.h"

namespace pcie_bar {

// Logs (warn) what opening the device's BAR did or risks (BarProperties::warnings): a reset by
// vfio-pci, registers a live driver owns. Both modes log them when they open a device.
void log_device_warnings(const std::string& device, const BarProperties& bar);

}  // namespace pcie_bar
