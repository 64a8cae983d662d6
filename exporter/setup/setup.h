#pragma once
// `pcie_bar_exporter setup ADDR [--driver vfio-pci|uio_pci_generic] [-v]` and
// `pcie_bar_exporter setup --restore ADDR`: binds a device to the driver a backend needs (the
// seed's setup_vfio.py, in the product), remembering the original driver so it can be restored.

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace pcie_bar {

struct SetupOptions {
  std::string address;  // canonical
  std::string driver = "vfio-pci";
  bool restore = false;
  bool verbose = false;
  bool help = false;  // -h/--help: print the usage instead
  std::string sysfs_root = "/sys";
  std::string state_dir = "/run/pcie_bar_exporter";  // where the original driver is remembered
  // Where mounts (self/mountinfo), swaps, routes (net/route, net/ipv6_route) and processes
  // (PID/fd, PID/maps, PID/comm) are read: what the host depends on and who holds the device.
  std::string proc_root = "/proc";
  // Writes `value` to the sysfs attribute `path`; throws std::system_error with the kernel's errno
  // (a bind the driver's probe refuses fails here). Empty: the real write. Tests put a fake
  // kernel behind a fake tree here.
  std::function<void(const std::string& path, const std::string& value)> sysfs_writer;
};

// Parses the arguments after "setup"; throws ConfigError.
SetupOptions parse_setup_cli(const std::vector<std::string>& args);
// Binds or restores; writes what it did and what to do next to `out`. Throws DeviceError when
// it refuses or fails. It refuses to unbind a device the host depends on (a disk beneath it, or
// a dm/md device built on one, that is mounted, swapped on or open; the interface of a default
// route; the boot console) and to rebind one a process holds open. A bind that fails is rolled
// back to the driver the device had; the error says so, or how to recover.
void run_setup(const SetupOptions& options, std::ostream& out);

}  // namespace pcie_bar
