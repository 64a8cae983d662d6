#pragma once
// Opens the BAR a device spec names, through the backend it names.

#include <functional>
#include <memory>

#include "core/bar.h"
#include "core/device_spec.h"
#include "core/pci_info.h"

namespace pcie_bar {

// Throws DeviceError with a one-line reason (and the fix, where there is one) on failure.
std::unique_ptr<Bar> open_bar(const DeviceSpec& spec);

// How a device's BAR gets opened: open_bar, or a test's substitute.
using BarOpener = std::function<std::unique_ptr<Bar>(const DeviceSpec&)>;

// What sysfs says about the device (empty for the simulated device).
PciInfo device_info(const DeviceSpec& spec);

}  // namespace pcie_bar
