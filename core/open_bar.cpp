#include "core/open_bar.h"

#include "core/pci_sysfs.h"
#include "core/sim_bar.h"
#include "core/sim_model.h"
#include "core/sysfs_bar.h"
#include "core/uio_bar.h"
#include "core/vfio_bar.h"

namespace pcie_bar {

std::unique_ptr<Bar> open_bar(const DeviceSpec& spec) {
  const PciSysfs sysfs;
  switch (spec.backend) {
    case Backend::kSim: {
      std::unique_ptr<Bar> bar = SimBar::open(spec.sim, spec.access.method);
      if (spec.sim.model.active()) bar = std::make_unique<ModelledBar>(std::move(bar), spec.sim.model);
      return bar;
    }
    case Backend::kVfio: return VfioBar::open(spec, sysfs);
    case Backend::kUio: return open_uio_bar(spec, sysfs);
    case Backend::kSysfs: return open_sysfs_bar(spec, sysfs);
  }
  throw DeviceError("unknown backend");
}

PciInfo device_info(const DeviceSpec& spec) {
  if (spec.backend != Backend::kSim) return PciSysfs().info(spec.address);
  PciInfo sim;  // no IDs or driver: nothing to identify; a link and clean AER counters to show
  sim.link = {spec.sim.link.speed_gts, spec.sim.link.max_speed_gts, spec.sim.link.width, spec.sim.link.max_width};
  sim.aer = AerCounters{};
  return sim;
}

}  // namespace pcie_bar
