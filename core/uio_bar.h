#pragma once
// The uio backend: a device bound to uio_pci_generic, its BAR mapped through /dev/uioN.
// uio_pci_generic exports only 32-bit non-prefetchable memory BARs, numbered consecutively, so
// the map index is not the BAR index: the map is found by matching its address with the BAR's.
// A BAR without a map is reached through sysfs resourceN instead, and the report says so.
// /dev/uioN is never read(): that blocks until the next interrupt.

#include <memory>

#include "core/bar.h"
#include "core/device_spec.h"
#include "core/pci_sysfs.h"

namespace pcie_bar {

std::unique_ptr<Bar> open_uio_bar(const DeviceSpec& spec, const PciSysfs& sysfs, const std::string& dev_root = "/dev");

}  // namespace pcie_bar
