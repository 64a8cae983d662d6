#include "core/open_bar.h"

#include "core/pci_sysfs.h"
#include "core/sim_bar.h"
#include "core/sysfs_bar.h"
#include "core/uio_bar.h"
#include "core/vfio_bar.h"

namespace pcie_bar {

const char* backend_name(Backend b) {
  switch (b) {
    case Backend::kSim: return "sim";
    case Backend::kVfio: return "vfio";
    case Backend::kUio: return "uio";
    case Backend::kSysfs: return "sysfs";
  }
  return "?";
}

std::unique_ptr<Bar> open_bar(const DeviceSpec& spec) {
  const PciSysfs sysfs;
  switch (spec.backend) {
    case Backend::kSim: return SimBar::open(spec.sim, spec.access.method);
    case Backend::kVfio: return VfioBar::open(spec, sysfs);
    case Backend::kUio: return open_uio_bar(spec, sysfs);
    case Backend::kSysfs: return open_sysfs_bar(spec, sysfs);
  }
  throw DeviceError("unknown backend");
}

PciInfo device_info(const DeviceSpec& spec) {
  if (spec.backend == Backend::kSim) return {};
  return PciSysfs().info(spec.address);
}

}  // namespace pcie_bar
