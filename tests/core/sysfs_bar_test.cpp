#include "core/sysfs_bar.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/fake_sysfs.h"

namespace pcie_bar {
namespace {

using testing::FakeSysfs;

DeviceSpec sysfs_spec(unsigned bar) {
  DeviceSpec d;
  d.name = "dev";
  d.backend = Backend::kSysfs;
  d.address = "0000:00:14.0";
  d.bar = bar;
  return d;
}

std::string error_of(const DeviceSpec& d, const FakeSysfs& fake) {
  try {
    open_sysfs_bar(d, PciSysfs(fake.root()));
  } catch (const DeviceError& e) {
    return e.what();
  }
  return "(no error)";
}

class SysfsBarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake.add_device("0000:00:14.0", {{0xfebf0000, 8192, 0x40200}, {0xc000, 256, 0x40101}, {0, 0, 0}, {0xf0000000, 4096, 0x14220c}});
  }
  FakeSysfs fake;
};

TEST_F(SysfsBarTest, MapsResourceNAndSeesTheFilesBytes) {
  auto bar = open_sysfs_bar(sysfs_spec(0), PciSysfs(fake.root()));
  EXPECT_EQ(bar->size(), 8192u);
  ASSERT_NE(bar->mapping(), nullptr);
  bar->store(0x100, 4, 0xfeedbeef);
  bar.reset();
  std::ifstream f(fake.device_dir("0000:00:14.0") / "resource0", std::ios::binary);
  f.seekg(0x100);
  uint32_t v = 0;
  f.read(reinterpret_cast<char*>(&v), 4);
  EXPECT_EQ(v, 0xfeedbeefu);
}

TEST_F(SysfsBarTest, ReportsWhatIsWrongAndHowToFixIt) {
  EXPECT_EQ(error_of(sysfs_spec(1), fake),
            "sysfs: BAR1 of 0000:00:14.0 is an I/O-port BAR; only memory BARs can be measured");
  EXPECT_EQ(error_of(sysfs_spec(2), fake), "sysfs: 0000:00:14.0 has no BAR2 (see lspci -v -s 0000:00:14.0)");
  DeviceSpec missing = sysfs_spec(0);
  missing.address = "0000:00:15.0";
  EXPECT_EQ(error_of(missing, fake),
            "sysfs: no PCI device 0000:00:15.0 (not in " + fake.root() + "/bus/pci/devices; check lspci)");
  DeviceSpec syscall = sysfs_spec(0);
  syscall.access.method = AccessMethod::kSyscall;
  EXPECT_EQ(error_of(syscall, fake),
            "sysfs: sysfs resource0 supports mmap only (read()/pread() fail or block); set access.method: mmap, or use backend vfio");
  DeviceSpec wc = sysfs_spec(0);
  wc.access.write_combining = true;
  EXPECT_EQ(error_of(wc, fake), "sysfs: access.mapping wc needs a prefetchable BAR; BAR0 of 0000:00:14.0 is not");
}

TEST_F(SysfsBarTest, WriteCombiningMapsResourceNWc) {
  std::ofstream(fake.device_dir("0000:00:14.0") / "resource3_wc", std::ios::binary) << std::string(4096, '\0');
  DeviceSpec wc = sysfs_spec(3);
  wc.access.write_combining = true;
  auto bar = open_sysfs_bar(wc, PciSysfs(fake.root()));
  EXPECT_NE(bar->properties().description.find("resource3_wc"), std::string::npos);
  EXPECT_TRUE(bar->properties().prefetchable);
}

TEST_F(SysfsBarTest, ARemovedDeviceIsNotPresent) {
  auto bar = open_sysfs_bar(sysfs_spec(0), PciSysfs(fake.root()));
  EXPECT_NO_THROW(bar->check_present());
  std::filesystem::remove_all(fake.device_dir("0000:00:14.0"));
  EXPECT_THROW(bar->check_present(), DeviceError);
}

}  // namespace
}  // namespace pcie_bar
