#include "core/pci_names.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

// Uses the pci.ids database of Debian's pci.ids package (scripts/deps.sh installs it).
TEST(PciNames, LooksUpVendorAndDeviceNames) {
  PciNames n = lookup_pci_names("0x8086", "0x1237");
  EXPECT_EQ(n.vendor, "Intel Corporation");
  EXPECT_EQ(n.device, "440FX - 82441FX PMC [Natoma]");
}

TEST(PciNames, UnknownOrMalformedIdsGiveNoNames) {
  EXPECT_EQ(lookup_pci_names("0x2bad", "0x0001").vendor, "");
  EXPECT_EQ(lookup_pci_names("zz", "0x1").device, "");
}

}  // namespace
}  // namespace pcie_bar
