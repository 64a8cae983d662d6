#pragma once
// The sysfs backend: mmap of /sys/bus/pci/devices/<addr>/resourceN (resourceN_wc for a
// write-combining mapping of a prefetchable BAR). Works with any driver bound, or none.

#include <memory>

#include "core/mmap_bar.h"
#include "core/device_spec.h"
#include "core/pci_sysfs.h"

namespace pcie_bar {

std::unique_ptr<MmapBar> open_sysfs_bar(const DeviceSpec& spec, const PciSysfs& sysfs);

}  // namespace pcie_bar
