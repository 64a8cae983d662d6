// The vfio backend's checks before the first ioctl, on fake sysfs trees. The ioctl path itself
// runs against the real vfio-pci driver in the QEMU guest (tests/vm).
#include "core/vfio_bar.h"

#include <gtest/gtest.h>

#include "tests/support/fake_sysfs.h"

namespace pcie_bar {
namespace {

using testing::FakeSysfs;

constexpr const char* kAddr = "0000:00:10.0";

DeviceSpec vfio_spec() {
  DeviceSpec d;
  d.backend = Backend::kVfio;
  d.address = kAddr;
  return d;
}

std::string error_of(const FakeSysfs& fake) {
  try {
    VfioBar::open(vfio_spec(), PciSysfs(fake.root()), fake.dev_root());
  } catch (const DeviceError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(VfioBar, NotBoundNamesTheDriverAndTheFix) {
  FakeSysfs fake;
  fake.add_device(kAddr, {{0xfea00000, 1 << 20, 0x40200}});
  EXPECT_EQ(error_of(fake),
            "vfio: 0000:00:10.0 is not bound to any driver, not vfio-pci; bind it with: "
            "pcie_bar_exporter setup 0000:00:10.0 --driver vfio-pci");
  fake.bind(kAddr, "edu");
  EXPECT_EQ(error_of(fake),
            "vfio: 0000:00:10.0 is bound to edu, not vfio-pci; bind it with: "
            "pcie_bar_exporter setup 0000:00:10.0 --driver vfio-pci");
}

TEST(VfioBar, NoGroupWithTheIommuOffSaysHowToTurnItOn) {
  FakeSysfs fake;
  fake.add_device(kAddr, {{0xfea00000, 1 << 20, 0x40200}});
  fake.bind(kAddr, "vfio-pci");
  EXPECT_EQ(error_of(fake),
            "vfio: 0000:00:10.0 has no IOMMU group: the IOMMU is off (" + fake.root() +
                "/kernel/iommu_groups is empty); enable VT-d/AMD-Vi in the firmware and, on Intel, boot "
                "with intel_iommu=on (AMD-Vi is on by default unless amd_iommu=off or iommu=off is given)");
}

TEST(VfioBar, MissingVfioNodeIsAnOpenErrorWithAHint) {
  FakeSysfs fake;
  fake.add_device(kAddr, {{0xfea00000, 1 << 20, 0x40200}});
  fake.bind(kAddr, "vfio-pci");
  fake.set_iommu_group(kAddr, "3");
  EXPECT_EQ(error_of(fake),
            "vfio: cannot open " + fake.dev_root() +
                "/vfio/vfio: No such file or directory (is the driver loaded and the device bound? see: "
                "pcie_bar_exporter setup)");
}

TEST(VfioGroupTable, DevicesOfOneGroupShareItsContainerWhileAnyHoldsIt) {
  // Two functions of one multi-function device in one IOMMU group: the kernel lets the group
  // node be opened once (EBUSY for a second open), so the second device must reuse the first's.
  VfioGroupTable table;
  int opens = 0;
  auto open = [&] {
    ++opens;
    return std::make_shared<VfioGroup>();
  };
  auto fn0 = table.acquire("/dev/vfio/7", open);
  auto fn1 = table.acquire("/dev/vfio/7", open);
  EXPECT_EQ(fn0, fn1);
  EXPECT_EQ(opens, 1);
  auto other = table.acquire("/dev/vfio/8", open);
  EXPECT_NE(other, fn0);
  EXPECT_EQ(opens, 2);
  fn0.reset();
  fn1.reset();  // the last holder closed group 7: the next device opens it afresh
  auto again = table.acquire("/dev/vfio/7", open);
  EXPECT_EQ(opens, 3);
}

TEST(VfioGroupTable, AFailedOpenLeavesNothingBehind) {
  VfioGroupTable table;
  EXPECT_THROW(table.acquire("/dev/vfio/7", []() -> std::shared_ptr<VfioGroup> { throw DeviceError("busy"); }),
               DeviceError);
  int opens = 0;
  table.acquire("/dev/vfio/7", [&] {
    ++opens;
    return std::make_shared<VfioGroup>();
  });
  EXPECT_EQ(opens, 1);
}

}  // namespace
}  // namespace pcie_bar
