#pragma once
// `pcie_bar_exporter setup ADDR [--driver vfio-pci|uio_pci_generic] [-v]` and
// `pcie_bar_exporter setup --restore ADDR`: binds a device to the driver a backend needs (the
// seed's setup_vfio.py, in the product), remembering the original driver so it can be restored.

#include <ostream>
#include <string>
#include <vector>

namespace pcie_bar {

struct SetupOptions {
  std::string address;  // canonical
  std::string driver = "vfio-pci";
  bool restore = false;
  bool verbose = false;
  std::string sysfs_root = "/sys";
  std::string state_dir = "/run/pcie_bar_exporter";  // where the original driver is remembered
  std::string mounts_file = "/proc/mounts";
};

// Parses the arguments after "setup"; throws ConfigError.
SetupOptions parse_setup_cli(const std::vector<std::string>& args);
// Binds or restores; writes what it did and what to do next to `out`. Throws DeviceError when
// it refuses or fails (the device is left as it was where possible).
void run_setup(const SetupOptions& options, std::ostream& out);

}  // namespace pcie_bar
