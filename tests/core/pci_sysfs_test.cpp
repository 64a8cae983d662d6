#include "core/pci_sysfs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/fake_sysfs.h"

namespace pcie_bar {
namespace {

using testing::FakeSysfs;

TEST(PciSysfs, ReadsTheNumaNodeAndLocalCpus) {
  FakeSysfs fake;
  fake.add_device("0000:81:00.0", {{0xfd000000, 4096, 0x40200}});
  fake.set_file("0000:81:00.0", "numa_node", "1");
  fake.set_file("0000:81:00.0", "local_cpulist", "16-31,48-63");
  fake.add_device("0000:00:02.0", {{0xfe000000, 4096, 0x40200}});
  fake.set_file("0000:00:02.0", "numa_node", "-1");  // a single-node machine
  PciSysfs sysfs(fake.root());
  EXPECT_EQ(sysfs.numa_node("0000:81:00.0"), 1);
  auto local = sysfs.local_cpus("0000:81:00.0");
  ASSERT_EQ(local.size(), 32u);
  EXPECT_EQ(local.front(), 16);
  EXPECT_EQ(local.back(), 63);
  EXPECT_EQ(sysfs.numa_node("0000:00:02.0"), std::nullopt);
  EXPECT_TRUE(sysfs.local_cpus("0000:00:02.0").empty());
}

TEST(PciSysfs, ReadsIdentityDriverGroupAndBars) {
  FakeSysfs fake;
  fake.add_device(
      "0000:00:11.0",
      {{0xfd000000, 16 << 20, 0x14220c}, {0, 0, 0}, {0xfebf0000, 4096, 0x40200}, {0, 0, 0}, {0xc000, 32, 0x40101}});
  fake.bind("0000:00:11.0", "vfio-pci");
  fake.set_iommu_group("0000:00:11.0", "7");
  PciSysfs sysfs(fake.root());
  EXPECT_TRUE(sysfs.exists("0000:00:11.0"));
  EXPECT_FALSE(sysfs.exists("0000:00:12.0"));
  EXPECT_EQ(sysfs.driver("0000:00:11.0"), "vfio-pci");
  EXPECT_EQ(sysfs.iommu_group("0000:00:11.0"), "7");
  EXPECT_EQ(sysfs.group_devices("7"), std::vector<std::string>{"0000:00:11.0"});
  EXPECT_TRUE(sysfs.iommu_enabled());
  auto res = sysfs.resources("0000:00:11.0");
  ASSERT_EQ(res.size(), 13u);
  EXPECT_EQ(res[0].size(), 16u << 20);
  EXPECT_TRUE(res[0].prefetchable());
  EXPECT_TRUE(res[0].is_64bit());
  EXPECT_FALSE(res[1].present());
  EXPECT_FALSE(res[2].prefetchable());
  EXPECT_TRUE(res[4].is_io());
  PciInfo info = sysfs.info("0000:00:11.0");
  EXPECT_EQ(info.vendor_id, "0x1234");
  EXPECT_EQ(info.device_id, "0x11e8");
  EXPECT_EQ(info.class_code, "0x00ff00");
  EXPECT_EQ(info.driver, "vfio-pci");
  EXPECT_EQ(info.iommu_group, "7");
  EXPECT_EQ(info.memory_decoding, true);
  EXPECT_FALSE(info.link.current_speed_gts);
  EXPECT_FALSE(info.aer);
}

TEST(PciSysfs, ReadsTheLockdownModeAndTheResetMethods) {
  FakeSysfs fake;
  fake.add_device("0000:00:11.0", {{0xfebf0000, 4096, 0x40200}});
  PciSysfs sysfs(fake.root());
  EXPECT_EQ(sysfs.lockdown_mode(), "");  // securityfs not mounted: unknown
  EXPECT_EQ(sysfs.reset_methods("0000:00:11.0"), "");
  std::filesystem::create_directories(fake.root() + "/kernel/security");
  std::ofstream(fake.root() + "/kernel/security/lockdown") << "none integrity [confidentiality]\n";
  EXPECT_EQ(sysfs.lockdown_mode(), "confidentiality");
  fake.set_file("0000:00:11.0", "reset_method", "flr bus");
  EXPECT_EQ(sysfs.reset_methods("0000:00:11.0"), "flr bus");
}

TEST(PciSysfs, ReadsLinkAndAerWhenPresent) {
  FakeSysfs fake;
  fake.add_device("0000:22:00.0", {{0xf0000000, 65536, 0x40200}});
  fake.set_file("0000:22:00.0", "current_link_speed", "8.0 GT/s PCIe");
  fake.set_file("0000:22:00.0", "max_link_speed", "16.0 GT/s PCIe");
  fake.set_file("0000:22:00.0", "current_link_width", "4");
  fake.set_file("0000:22:00.0", "max_link_width", "8");
  fake.set_file("0000:22:00.0", "aer_dev_correctable", "RxErr 2\nBadTLP 1\nTOTAL_ERR_COR 3");
  fake.set_file("0000:22:00.0", "aer_dev_nonfatal", "Undefined 0\nTOTAL_ERR_NONFATAL 0");
  fake.set_file("0000:22:00.0", "aer_dev_fatal", "Undefined 0\nTOTAL_ERR_FATAL 1");
  PciInfo info = PciSysfs(fake.root()).info("0000:22:00.0");
  EXPECT_EQ(info.link.current_speed_gts, 8.0);
  EXPECT_EQ(info.link.max_speed_gts, 16.0);
  EXPECT_EQ(info.link.current_width, 4u);
  EXPECT_EQ(info.link.max_width, 8u);
  ASSERT_TRUE(info.aer);
  EXPECT_EQ(info.aer->correctable, 3u);
  EXPECT_EQ(info.aer->fatal, 1u);
  EXPECT_TRUE(info.driver.empty());
}

TEST(PciSysfs, ParsersRejectUnknownValues) {
  EXPECT_EQ(parse_link_speed("2.5 GT/s"), 2.5);
  EXPECT_FALSE(parse_link_speed("Unknown"));
  EXPECT_FALSE(parse_link_speed("Unknown speed"));
  EXPECT_EQ(parse_aer_total("A 1\nB 2"), 3u);
  EXPECT_FALSE(parse_aer_total(""));
  EXPECT_FALSE(parse_aer_total("A x"));
}

TEST(PciSysfs, IommuOffWhenNoGroupsExist) {
  FakeSysfs fake;
  fake.add_device("0000:01:00.0", {{0xf0000000, 4096, 0x40200}});
  EXPECT_FALSE(PciSysfs(fake.root()).iommu_enabled());
  EXPECT_EQ(PciSysfs(fake.root()).iommu_group("0000:01:00.0"), "");
}

}  // namespace
}  // namespace pcie_bar
