#pragma once
// Vendor and device names from the pci.ids database, through libpci. Only the database file is
// read: no PCI access method is initialised, so no device is scanned or touched.

#include <string>

namespace pcie_bar {

struct PciNames {
  std::string vendor, device;  // empty when unknown (or pci.ids is not installed)
};

// `vendor_id` and `device_id` as sysfs writes them ("0x8086").
PciNames lookup_pci_names(const std::string& vendor_id, const std::string& device_id);

}  // namespace pcie_bar
