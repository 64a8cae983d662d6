#pragma once
// How a device's BAR is reached: the `backend` of a config's device and of --backend, the
// backend label of pcie_bar_device_info, and the reports' backend column.

#include <span>

#include "core/named_enum.h"

namespace pcie_bar {

enum class Backend { kSim, kVfio, kUio, kSysfs };

inline constexpr NamedValue<Backend> kBackends[] = {
    {Backend::kSim, "sim", "a simulated BAR in host memory: no PCIe hardware"},
    {Backend::kVfio, "vfio", "a device bound to vfio-pci, through /dev/vfio"},
    {Backend::kUio, "uio", "a device bound to uio_pci_generic, through /dev/uioN"},
    {Backend::kSysfs, "sysfs", "the BAR's sysfs resourceN file, whatever driver the device has"},
};
static_assert(is_complete_table(kBackends));

constexpr std::span<const NamedValue<Backend>> name_table(Backend) { return kBackends; }
constexpr const char* backend_name(Backend b) { return name_of(b); }

}  // namespace pcie_bar
