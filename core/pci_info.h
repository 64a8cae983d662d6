#pragma once
// What sysfs and config space say about a PCI device, for reports and metrics. Every field is
// optional: the simulated device has none of them, and not every kernel exposes every file.

#include <cstdint>
#include <optional>
#include <string>

namespace pcie_bar {

struct PciLink {
  std::optional<double> current_speed_gts, max_speed_gts;  // GT/s
  std::optional<unsigned> current_width, max_width;        // lanes
};

struct AerCounters {
  uint64_t correctable = 0, nonfatal = 0, fatal = 0;
};

struct PciInfo {
  std::string vendor_id, device_id, subsystem_vendor_id, subsystem_device_id;  // "0x1234"
  std::string class_code, revision;                                            // "0x030000", "0x02"
  std::string driver;                                                          // bound driver, empty when none
  std::string iommu_group;                                                     // empty when the device has none
  std::string vendor_name, device_name;                                        // from pci.ids, when known
  std::optional<bool> memory_decoding;  // command register bit 1; false: MMIO reads return all-ones
  PciLink link;
  std::optional<AerCounters> aer;
};

}  // namespace pcie_bar
