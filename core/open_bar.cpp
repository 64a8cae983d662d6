#include "core/open_bar.h"

#include "core/sim_bar.h"

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
  switch (spec.backend) {
    case Backend::kSim:
      return SimBar::open(spec.sim, spec.access.method);
    case Backend::kVfio:
    case Backend::kUio:
    case Backend::kSysfs:
      break;
  }
  throw DeviceError(std::string("backend '") + backend_name(spec.backend) +
                    "' is not supported by this build (see README: Backends)");
}

}  // namespace pcie_bar
