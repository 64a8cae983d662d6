#pragma once
// Opens the BAR a device spec names, through the backend it names.

#include <memory>

#include "core/bar.h"
#include "core/device_spec.h"

namespace pcie_bar {

// Throws DeviceError with a one-line reason (and the fix, where there is one) on failure.
std::unique_ptr<Bar> open_bar(const DeviceSpec& spec);

}  // namespace pcie_bar
