#include "exporter/setup.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_error.h"
#include "core/bar.h"
#include "core/pci_sysfs.h"
#include "tests/support/fake_sysfs.h"
#include "tests/support/exporter_process.h"

namespace pcie_bar {
namespace {

using testing::FakeSysfs;
namespace fs = std::filesystem;

constexpr const char* kAddr = "0000:00:12.0";

class SetupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake.add_device(kAddr, {{0xfd000000, 4096, 0x14220c}});
    fake.bind(kAddr, "bochs-drm");
    fake.set_iommu_group(kAddr, "5");
    fs::create_directories(fake.root() + "/bus/pci/drivers/vfio-pci");
    options.address = kAddr;
    options.sysfs_root = fake.root();
    options.state_dir = fake.root() + "/../state";
    options.mounts_file = testing::write_temp_file("mounts", "/dev/vda1 / ext4 rw 0 0\n");
  }
  std::string error_of() {
    std::ostringstream out;
    try {
      run_setup(options, out);
    } catch (const DeviceError& e) {
      return e.what();
    }
    return "(no error) " + out.str();
  }
  FakeSysfs fake;
  SetupOptions options;
};

TEST_F(SetupTest, WritesOverrideUnbindAndBindThenChecksItTookEffect) {
  // A fake tree has no kernel behind it: the writes land in files and the driver link stays.
  EXPECT_EQ(error_of(), "setup: binding 0000:00:12.0 to vfio-pci did not take effect (see dmesg)");
  EXPECT_EQ(read_text(fake.device_dir(kAddr) / "driver_override"), "vfio-pci");
  EXPECT_EQ(read_text(fake.device_dir(kAddr) / "driver/unbind"), kAddr);
  EXPECT_EQ(read_text(fake.root() + "/bus/pci/drivers/vfio-pci/bind"), kAddr);
  EXPECT_EQ(read_text(options.state_dir + "/0000:00:12.0.driver"), "bochs-drm");  // remembered for --restore
}

TEST_F(SetupTest, AlreadyBoundExplainsAccess) {
  fake.bind(kAddr, "vfio-pci");
  std::string out = error_of();
  EXPECT_NE(out.find("0000:00:12.0 is already bound to vfio-pci"), std::string::npos) << out;
  EXPECT_NE(out.find("Device node: /dev/vfio/5"), std::string::npos) << out;
  EXPECT_NE(out.find("--device /dev/vfio/vfio --device /dev/vfio/5"), std::string::npos) << out;
}

TEST_F(SetupTest, RefusesTheConsole) {
  fake.set_file(kAddr, "boot_vga", "1");
  EXPECT_EQ(error_of(), "setup: 0000:00:12.0 is the boot VGA device, driven by bochs-drm (the console); refusing to unbind it");
}

TEST_F(SetupTest, RefusesADeviceCarryingAMountedFileSystem) {
  fs::create_directories(fake.device_dir(kAddr) / "virtio1/block/vda");
  EXPECT_EQ(error_of(), "setup: 0000:00:12.0 carries /dev/vda1, mounted on /; refusing to unbind it");
}

TEST_F(SetupTest, RefusesAGroupThatIsNotViable) {
  fake.add_device("0000:00:12.1", {{0xfe000000, 4096, 0x40200}});
  fake.bind("0000:00:12.1", "snd_hda_intel");
  fs::create_directory_symlink(fake.device_dir("0000:00:12.1"), fake.root() + "/kernel/iommu_groups/5/devices/0000:00:12.1");
  EXPECT_EQ(error_of(), "setup: IOMMU group 5 also holds 0000:00:12.1 (snd_hda_intel); bind those to vfio-pci or unbind them first");
}

TEST_F(SetupTest, VfioNeedsTheIommu) {
  fake.add_device("0000:00:13.0", {{0xfe000000, 4096, 0x40200}});
  options.address = "0000:00:13.0";
  EXPECT_EQ(error_of(), "setup: 0000:00:13.0 has no IOMMU group: the IOMMU is off; boot with intel_iommu=on (or "
                        "amd_iommu=on) and enable VT-d/AMD-Vi in the firmware");
}

TEST_F(SetupTest, RestoreNeedsARememberedDriver) {
  options.restore = true;
  EXPECT_EQ(error_of(), "setup: nothing to restore for 0000:00:12.0 (no " + options.state_dir + "/0000:00:12.0.driver)");
}

TEST(SetupCli, ParsesAndRejects) {
  SetupOptions o = parse_setup_cli({"22:00.0", "--driver", "uio_pci_generic", "-v"});
  EXPECT_EQ(o.address, "0000:22:00.0");
  EXPECT_EQ(o.driver, "uio_pci_generic");
  EXPECT_TRUE(o.verbose);
  EXPECT_TRUE(parse_setup_cli({"--restore", "0000:22:00.0"}).restore);
  EXPECT_THROW(parse_setup_cli({}), ConfigError);
  EXPECT_THROW(parse_setup_cli({"22:00.0", "--driver", "nvme"}), ConfigError);
  EXPECT_THROW(parse_setup_cli({"zz"}), ConfigError);
}

}  // namespace
}  // namespace pcie_bar
