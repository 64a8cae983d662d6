#pragma once
// Checks every real backend makes before touching a device, each failing with one line that
// says what is wrong and how to fix it.

#include <string>

#include "core/device_spec.h"
#include "core/pci_sysfs.h"

namespace pcie_bar {

// The device exists and BAR `spec.bar` is a present memory BAR; returns its resource.
PciResource require_memory_bar(const PciSysfs& sysfs, const DeviceSpec& spec);
// The device is bound to `driver` (say which driver it has otherwise, and how to bind).
void require_driver(const PciSysfs& sysfs, const DeviceSpec& spec, const std::string& driver);
// "cannot open PATH: REASON (HINT)" for an open() that failed with errno.
std::string open_error(const std::string& who, const std::string& path, int err);
// Throws: the mmap method is the only one this backend has.
void require_mmap_method(const DeviceSpec& spec, const std::string& what);

}  // namespace pcie_bar
