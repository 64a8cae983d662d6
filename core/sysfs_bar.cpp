#include "core/sysfs_bar.h"

#include "core/bar_checks.h"
#include "core/hex.h"
#include "core/mmap_bar.h"

namespace pcie_bar {

std::unique_ptr<MmapBar> open_sysfs_bar(const DeviceSpec& spec, const PciSysfs& sysfs) {
  PciResource res = require_memory_bar(sysfs, spec);
  const std::string name = "resource" + std::to_string(spec.bar);
  require_mmap_method(spec, "sysfs " + name);
  if (spec.access.write_combining && !res.prefetchable())
    throw DeviceError("sysfs: access.mapping wc needs a prefetchable BAR; BAR" + std::to_string(spec.bar) + " of " +
                      spec.address + " is not");
  const std::string dir = sysfs.device_dir(spec.address);
  const std::string path = dir + "/" + name + (spec.access.write_combining ? "_wc" : "");
  auto [fd, map] = map_file("sysfs", path, 0, res.size(), true);
  BarProperties p;
  p.size = res.size();
  p.prefetchable = res.prefetchable();
  p.is_64bit = res.is_64bit();
  p.description = "sysfs " + path + " at " + hex(res.start);
  return std::make_unique<MmapBar>(std::move(fd), std::move(map), 0, p, sysfs_presence("sysfs", dir));
}

}  // namespace pcie_bar
