#pragma once
// Reads a PCI device's identity, driver, IOMMU group, BARs, link and AER state from sysfs.
// The sysfs root is a parameter so tests can point it at a fake tree.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/pci_info.h"

namespace pcie_bar {

// One line of the device's `resource` file.
struct PciResource {
  uint64_t start = 0, end = 0, flags = 0;
  bool present() const { return end > start; }
  uint64_t size() const { return present() ? end - start + 1 : 0; }
  bool is_io() const { return flags & 0x100; }          // IORESOURCE_IO
  bool is_memory() const { return flags & 0x200; }      // IORESOURCE_MEM
  bool prefetchable() const { return flags & 0x2000; }  // IORESOURCE_PREFETCH
  bool is_64bit() const { return flags & 0x00100000; }  // IORESOURCE_MEM_64
};

class PciSysfs {
 public:
  explicit PciSysfs(std::string root = "/sys") : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string device_dir(const std::string& address) const { return root_ + "/bus/pci/devices/" + address; }
  bool exists(const std::string& address) const;
  // Basename of the bound driver, or empty.
  std::string driver(const std::string& address) const;
  std::string iommu_group(const std::string& address) const;
  // Addresses of every device in the IOMMU group.
  std::vector<std::string> group_devices(const std::string& group) const;
  bool iommu_enabled() const;  // /sys/kernel/iommu_groups has entries
  // The active kernel lockdown mode from <root>/kernel/security/lockdown ("none", "integrity",
  // "confidentiality"); empty when unknown (securityfs not mounted, no lockdown LSM).
  std::string lockdown_mode() const;
  // The device's reset methods (<dev>/reset_method, e.g. "flr bus"); empty when it has none.
  std::string reset_methods(const std::string& address) const;
  std::vector<PciResource> resources(const std::string& address) const;
  PciInfo info(const std::string& address) const;
  // The device's NUMA node (nullopt when sysfs says -1 or nothing) and the CPUs local to it
  // (empty when unknown).
  std::optional<int> numa_node(const std::string& address) const;
  std::vector<int> local_cpus(const std::string& address) const;

 private:
  std::string root_;
};

// "8.0 GT/s PCIe" -> 8.0; "2.5 GT/s" -> 2.5; nullopt for "Unknown" and the like.
std::optional<double> parse_link_speed(const std::string& text);
// Sums of the TOTAL_ERR_* lines (or all counters) of aer_dev_correctable/_nonfatal/_fatal.
std::optional<uint64_t> parse_aer_total(const std::string& text);

// Whole file as a string with trailing whitespace removed; nullopt when unreadable.
std::optional<std::string> read_text(const std::string& path);

}  // namespace pcie_bar
