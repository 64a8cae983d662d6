#pragma once
// The sysfs backend: mmap of /sys/bus/pci/devices/<addr>/resourceN (resourceN_wc for a
// write-combining mapping of a prefetchable BAR). Needs no driver change, but the kernel has the
// last word: under lockdown (Secure Boot) every resourceN mmap is refused (EPERM), and with
// CONFIG_IO_STRICT_DEVMEM (Debian's and most distributions' kernels) so is the mmap of a BAR a
// driver has claimed (EINVAL) unless the host booted with iomem=relaxed. With writes disabled
// the file is opened O_RDONLY and mapped PROT_READ.

#include <memory>
#include <string>

#include "core/device_spec.h"
#include "core/mmap_bar.h"
#include "core/pci_sysfs.h"

namespace pcie_bar {

std::unique_ptr<MmapBar> open_sysfs_bar(const DeviceSpec& spec, const PciSysfs& sysfs);

// Why the kernel refused to mmap a resourceN file with errno `err`, and what the operator can
// do; empty when there is nothing specific to say.
std::string explain_sysfs_mmap_error(int err, const PciSysfs& sysfs, const std::string& address);

// The warning for measuring a BAR that a driver other than uio_pci_generic is bound to (empty
// when there is none): its registers are live.
std::string driver_owned_warning(const DeviceSpec& spec, const std::string& driver);

}  // namespace pcie_bar
