#include "core/bar_checks.h"
#include "core/errno_text.h"

#include <cerrno>
#include <cstring>

namespace pcie_bar {

PciResource require_memory_bar(const PciSysfs& sysfs, const DeviceSpec& spec) {
  const std::string who = backend_name(spec.backend);
  if (!sysfs.exists(spec.address))
    throw DeviceError(who + ": no PCI device " + spec.address + " (not in " + sysfs.root() +
                      "/bus/pci/devices; check lspci)");
  auto res = sysfs.resources(spec.address);
  if (spec.bar >= res.size() || !res[spec.bar].present())
    throw DeviceError(who + ": " + spec.address + " has no BAR" + std::to_string(spec.bar) + " (see lspci -v -s " +
                      spec.address + ")");
  if (res[spec.bar].is_io())
    throw DeviceError(who + ": BAR" + std::to_string(spec.bar) + " of " + spec.address +
                      " is an I/O-port BAR; only memory BARs can be measured");
  return res[spec.bar];
}

void require_driver(const PciSysfs& sysfs, const DeviceSpec& spec, const std::string& driver) {
  std::string bound = sysfs.driver(spec.address);
  if (bound == driver) return;
  const std::string fix = "; bind it with: pcie_bar_exporter setup " + spec.address + " --driver " + driver;
  throw DeviceError(std::string(backend_name(spec.backend)) + ": " + spec.address +
                    (bound.empty() ? " is not bound to any driver" : " is bound to " + bound) + ", not " + driver +
                    fix);
}

std::string open_error(const std::string& who, const std::string& path, int err) {
  std::string hint;
  if (err == EACCES || err == EPERM)
    hint = " (run as root, or give the user access to " + path +
           ": a udev rule or group; in a container pass it with --device)";
  else if (err == EBUSY)
    hint = " (in use by another process: a VM, or another exporter?)";
  else if (err == ENOENT)
    hint = " (is the driver loaded and the device bound? see: pcie_bar_exporter setup)";
  return who + ": cannot open " + path + ": " + errno_text(err) + hint;
}

void require_mmap_method(const DeviceSpec& spec, const std::string& what) {
  if (spec.access.method == AccessMethod::kMmap) return;
  throw DeviceError(std::string(backend_name(spec.backend)) + ": " + what +
                    " supports mmap only (read()/pread() fail or block); set access.method: mmap, or use backend vfio");
}

}  // namespace pcie_bar
