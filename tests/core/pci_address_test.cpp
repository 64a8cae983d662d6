#include "core/pci_address.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

TEST(PciAddress, AcceptsFullAndShortForms) {
  EXPECT_EQ(canonical_pci_address("0000:22:00.0"), "0000:22:00.0");
  EXPECT_EQ(canonical_pci_address("22:00.0"), "0000:22:00.0");
  EXPECT_EQ(canonical_pci_address("0001:AF:1f.7"), "0001:af:1f.7");
  EXPECT_EQ(canonical_pci_address("0:1:2.3"), "0000:01:02.3");
}

TEST(PciAddress, RejectsWhatIsNotAnAddress) {
  for (const char* bad :
       {"", "22:00", "22:00.8", "22:20.0", "g2:00.0", "00000:22:00.0", "22:00.0 ", "../../etc", "22:00:0"})
    EXPECT_FALSE(canonical_pci_address(bad)) << bad;
}

}  // namespace
}  // namespace pcie_bar
