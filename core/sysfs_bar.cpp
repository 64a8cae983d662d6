#include "core/sysfs_bar.h"

#include <cerrno>

#include "core/bar_checks.h"
#include "core/hex.h"
#include "core/mmap_bar.h"

namespace pcie_bar {

std::string explain_sysfs_mmap_error(int err, const PciSysfs& sysfs, const std::string& address) {
  const std::string driver = sysfs.driver(address);
  if (err == EPERM) {
    const std::string mode = sysfs.lockdown_mode();
    if (mode == "integrity" || mode == "confidentiality")
      return "the kernel is in lockdown mode '" + mode +
             "' (Secure Boot, or lockdown= on the command line), which "
             "refuses every mmap of a PCI resource file; use backend vfio or uio instead";
    if (mode.empty())
      return "if the kernel is locked down (Secure Boot; see /sys/kernel/security/lockdown), every mmap of a PCI "
             "resource file is refused: use backend vfio or uio; otherwise a security policy (SELinux, AppArmor, a "
             "container's seccomp profile) denied it";
    return "the kernel is not locked down: a security policy (SELinux, AppArmor, a container's seccomp profile) denied "
           "it";
  }
  if (err == EINVAL)
    return "the kernel refuses to map a BAR whose memory a driver has claimed (CONFIG_IO_STRICT_DEVMEM, on in "
           "Debian's and most distributions' kernels)" +
           (driver.empty() ? std::string() : "; " + address + " is bound to " + driver) +
           ": boot the host with iomem=relaxed to allow it, or use backend vfio (or uio) with the device bound to "
           "vfio-pci (uio_pci_generic) and no other user";
  if (err == EACCES) return "the file was opened read-only; mapping it writable needs O_RDWR";
  return "";
}

std::string driver_owned_warning(const DeviceSpec& spec, const std::string& driver) {
  if (driver.empty() || driver == "uio_pci_generic") return "";  // uio_pci_generic never touches the BARs
  std::string w = "BAR" + std::to_string(spec.bar) + " of " + spec.address + " belongs to the live driver " + driver +
                  (driver == "vfio-pci" ? " (and whatever program has the device open: a VM?)" : "") +
                  ": reads bypass it, can have side effects (clear-on-read status, FIFO pops, doorbells) and race "
                  "with it";
  if (spec.writes.enabled) w += "; writes are ENABLED and can corrupt its state or the device's: disable them";
  return w;
}

std::unique_ptr<MmapBar> open_sysfs_bar(const DeviceSpec& spec, const PciSysfs& sysfs) {
  PciResource res = require_memory_bar(sysfs, spec);
  const std::string name = "resource" + std::to_string(spec.bar);
  require_mmap_method(spec, "sysfs " + name);
  if (spec.access.write_combining && !res.prefetchable())
    throw DeviceError("sysfs: access.mapping wc needs a prefetchable BAR; BAR" + std::to_string(spec.bar) + " of " +
                      spec.address + " is not");
  const std::string dir = sysfs.device_dir(spec.address);
  const std::string path = dir + "/" + name + (spec.access.write_combining ? "_wc" : "");
  const MapAccess access = map_access_for(spec);
  auto [fd, map] = map_file("sysfs", path, 0, res.size(), true, access,
                            [&](int err) { return explain_sysfs_mmap_error(err, sysfs, spec.address); });
  BarProperties p;
  p.size = res.size();
  p.prefetchable = res.prefetchable();
  p.is_64bit = res.is_64bit();
  p.description = "sysfs " + path + " at " + hex(res.start) + (access == MapAccess::kReadOnly ? " (read-only)" : "");
  if (std::string w = driver_owned_warning(spec, sysfs.driver(spec.address)); !w.empty()) p.warnings.push_back(w);
  return std::make_unique<MmapBar>(std::move(fd), std::move(map), 0, p, sysfs_presence("sysfs", dir),
                                   access == MapAccess::kReadWrite);
}

}  // namespace pcie_bar
