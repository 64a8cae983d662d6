#include "core/uio_bar.h"

#include <gtest/gtest.h>

#include "tests/support/fake_sysfs.h"
#include "tests/support/proc_maps.h"

namespace pcie_bar {
namespace {

using testing::FakeSysfs;

// Like QEMU's VGA: BAR0 a 64-bit prefetchable framebuffer (no uio map), BAR2 32-bit registers.
class UioBarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake.add_device(kAddr, {{0xfd000000, 4096, 0x14220c}, {0, 0, 0}, {0xfebf0000, 4096, 0x40200}});
    fake.bind(kAddr, "uio_pci_generic");
    fake.add_uio(kAddr, 3, {2});  // map0 is BAR2
  }
  DeviceSpec spec(unsigned bar) const {
    DeviceSpec d;
    d.backend = Backend::kUio;
    d.address = kAddr;
    d.bar = bar;
    return d;
  }
  static constexpr const char* kAddr = "0000:00:11.0";
  FakeSysfs fake;
};

TEST_F(UioBarTest, FindsTheMapByAddressNotByBarIndex) {
  auto bar = open_uio_bar(spec(2), PciSysfs(fake.root()), fake.dev_root());
  EXPECT_EQ(bar->size(), 4096u);
  EXPECT_NE(bar->properties().description.find("/uio3 map0 (BAR2"), std::string::npos) << bar->properties().description;
  bar->store(8, 8, 0x1122334455667788ULL);
  EXPECT_EQ(bar->load(8, 8), 0x1122334455667788ULL);
}

TEST_F(UioBarTest, ABarWithoutAMapFallsBackToSysfsAndSaysSo) {
  auto bar = open_uio_bar(spec(0), PciSysfs(fake.root()), fake.dev_root());
  const std::string& d = bar->properties().description;
  EXPECT_EQ(
      d.rfind("BAR0 has no uio map (uio_pci_generic maps only 32-bit non-prefetchable memory BARs); using sysfs ", 0),
      0u)
      << d;
  EXPECT_NE(d.find("resource0"), std::string::npos);
}

TEST_F(UioBarTest, RefusesAWrongDriverAndTheSyscallMethod) {
  fake.bind(kAddr, "vfio-pci");
  try {
    open_uio_bar(spec(2), PciSysfs(fake.root()), fake.dev_root());
    FAIL();
  } catch (const DeviceError& e) {
    EXPECT_STREQ(e.what(),
                 "uio: 0000:00:11.0 is bound to vfio-pci, not uio_pci_generic; bind it with: "
                 "pcie_bar_exporter setup 0000:00:11.0 --driver uio_pci_generic");
  }
  fake.bind(kAddr, "uio_pci_generic");
  DeviceSpec s = spec(2);
  s.access.method = AccessMethod::kSyscall;
  EXPECT_THROW(open_uio_bar(s, PciSysfs(fake.root()), fake.dev_root()), DeviceError);
}

TEST_F(UioBarTest, WithWritesDisabledDevUioIsMappedReadOnly) {
  DeviceSpec ro = spec(2);
  ro.writes.enabled = false;
  auto bar = open_uio_bar(ro, PciSysfs(fake.root()), fake.dev_root());
  auto m = testing::mapping_at(bar->mapping());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->perms, "r--s");
  EXPECT_NE(m->path.find("/dev/uio3"), std::string::npos) << m->path;
  EXPECT_THROW(bar->store(0, 4, 1), DeviceError);
  auto rw = open_uio_bar(spec(2), PciSysfs(fake.root()), fake.dev_root());
  EXPECT_EQ(testing::mapping_at(rw->mapping())->perms, "rw-s");
}

TEST(UioBar, ASubPageBarNotAlignedToAPageMapsOnlyTheMapsSize) {
  // ivshmem-like 256-byte register BAR at 0x...100: uio_pci_generic's map is the page holding
  // it (offset 0x100, size one page). Mapping offset + size would ask for more than the map and
  // uio refuses that with EINVAL.
  FakeSysfs fake;
  const std::string addr = "0000:00:13.0";
  fake.add_device(addr, {{0xfebf1100, 256, 0x40200}});
  fake.bind(addr, "uio_pci_generic");
  fake.add_uio(addr, 0, {0});
  DeviceSpec d;
  d.backend = Backend::kUio;
  d.address = addr;
  auto bar = open_uio_bar(d, PciSysfs(fake.root()), fake.dev_root());
  EXPECT_EQ(bar->size(), 256u);
  auto m = testing::mapping_at(bar->mapping());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->size(), static_cast<uint64_t>(sysconf(_SC_PAGESIZE)));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(bar->mapping()) - m->start, 0x100u);  // the BAR starts at the map's offset
}

}  // namespace
}  // namespace pcie_bar
