#include "exporter/setup/setup.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_error.h"
#include "core/bar.h"
#include "core/pci_sysfs.h"
#include "tests/support/exporter_process.h"
#include "tests/support/fake_sysfs.h"

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
    options.proc_root = fake.proc_root();
    options.sysfs_writer = [this](const std::string& path, const std::string& value) {
      fake.kernel_write(path, value);
    };
    fake.set_proc_file("self/mountinfo", "22 1 0:20 / /proc rw,relatime - proc proc rw\n");
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
  std::string driver() { return PciSysfs(fake.root()).driver(kAddr); }
  std::string state_file() { return options.state_dir + "/0000:00:12.0.driver"; }
  // An NVMe controller nvme0 on the device with namespace nvme0n1 (259:0) and its partitions
  // nvme0n1p1.. (259:1..), where the kernel puts them (no block/ directory on the way).
  void add_nvme_disk(int partitions) {
    fs::path ns = fake.device_dir(kAddr) / "nvme/nvme0/nvme0n1";
    fake.add_block_device(ns, "nvme0n1", "259:0");
    for (int p = 1; p <= partitions; ++p)
      fake.add_block_device(ns / ("nvme0n1p" + std::to_string(p)), "nvme0n1p" + std::to_string(p),
                            "259:" + std::to_string(p));
  }
  // A device-mapper device (LVM, dm-crypt) on `lower`, named /dev/mapper/<mapper>.
  void add_dm(const std::string& lower, const std::string& name, const std::string& dev, const std::string& mapper) {
    fs::path dir = fake.root() + "/devices/virtual/block/" + name;
    fake.add_block_device(dir, name, dev);
    fs::create_directories(dir / "dm");
    std::ofstream(dir / "dm/name") << mapper << "\n";
    fake.add_holder(lower, name);
  }
  FakeSysfs fake;
  SetupOptions options;
};

constexpr const char* kRefusal = "; the host depends on it, refusing to unbind it";

TEST_F(SetupTest, BindsThroughTheOverrideAndRemembersTheOriginalDriver) {
  options.verbose = true;
  std::string out = error_of();
  EXPECT_NE(out.find("0000:00:12.0 bound to vfio-pci (was: bochs-drm; undo with: pcie_bar_exporter setup --restore "
                     "0000:00:12.0)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("echo vfio-pci > " + fake.device_dir(kAddr).string() + "/driver_override"), std::string::npos)
      << out;
  EXPECT_EQ(driver(), "vfio-pci");
  EXPECT_EQ(read_text(fake.device_dir(kAddr) / "driver_override"), "vfio-pci");
  EXPECT_EQ(read_text(state_file()), "bochs-drm");  // remembered for --restore
}

TEST_F(SetupTest, ABindThatDoesNotTakeEffectIsAnError) {
  // The real write into a fake tree: no kernel acts on it, so the driver link stays.
  options.sysfs_writer = nullptr;
  EXPECT_EQ(error_of(),
            "setup: binding 0000:00:12.0 to vfio-pci did not take effect (see dmesg); rolled back: "
            "0000:00:12.0 is bound to bochs-drm again");
  EXPECT_EQ(read_text(fake.root() + "/bus/pci/drivers/vfio-pci/bind"), kAddr);
  EXPECT_EQ(read_text(fake.device_dir(kAddr) / "driver_override"), "");  // cleared by the rollback
}

TEST_F(SetupTest, AFailedBindRollsBackToTheOriginalDriver) {
  fake.failing_probes = {"vfio-pci"};  // as vfio-pci refuses a bridge
  EXPECT_EQ(error_of(), "setup: cannot write '0000:00:12.0' to " + fake.root() +
                            "/bus/pci/drivers/vfio-pci/bind: "
                            "Invalid argument; rolled back: 0000:00:12.0 is bound to bochs-drm again");
  EXPECT_EQ(driver(), "bochs-drm");
  EXPECT_EQ(read_text(fake.device_dir(kAddr) / "driver_override"), "");
  EXPECT_FALSE(fs::exists(state_file()));  // nothing left to restore
}

TEST_F(SetupTest, AFailedRollbackSaysHowToRecover) {
  fake.failing_probes = {"vfio-pci", "bochs-drm"};
  EXPECT_EQ(error_of(),
            "setup: cannot write '0000:00:12.0' to " + fake.root() +
                "/bus/pci/drivers/vfio-pci/bind: "
                "Invalid argument; rolling back to bochs-drm failed too (setup: cannot write '0000:00:12.0' to " +
                fake.root() +
                "/bus/pci/drivers/bochs-drm/bind: Invalid argument); recover with "
                "'pcie_bar_exporter setup --restore 0000:00:12.0' (original driver: bochs-drm)");
  EXPECT_EQ(driver(), "");
  EXPECT_EQ(read_text(state_file()), "bochs-drm");  // what --restore needs
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
  EXPECT_EQ(error_of(),
            "setup: 0000:00:12.0 is the boot VGA device, driven by bochs-drm (the console); refusing to unbind it");
}

TEST_F(SetupTest, RefusesAVirtioDiskCarryingAMountedFileSystem) {
  fs::path vda = fake.device_dir(kAddr) / "virtio1/block/vda";
  fake.add_block_device(vda, "vda", "254:0");
  fake.add_block_device(vda / "vda1", "vda1", "254:1");
  fake.set_proc_file("self/mountinfo", "25 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n");
  EXPECT_EQ(error_of(), std::string("setup: 0000:00:12.0 carries vda1, mounted on /") + kRefusal);
  EXPECT_EQ(driver(), "bochs-drm");
}

TEST_F(SetupTest, RefusesAnNvmeNamespaceMountedByMajorMinor) {
  add_nvme_disk(2);
  // The source is a name /dev does not know here; the major:minor is what identifies it.
  fake.set_proc_file("self/mountinfo", "29 1 259:2 / /var/lib/data rw - xfs /dev/disk/by-label/data rw\n");
  EXPECT_EQ(error_of(), std::string("setup: 0000:00:12.0 carries nvme0n1p2, mounted on /var/lib/data") + kRefusal);
}

TEST_F(SetupTest, RefusesAnNvmeNamespaceMountedByName) {
  add_nvme_disk(1);
  // btrfs reports an anonymous device in mountinfo: the source names the disk.
  fake.set_proc_file("self/mountinfo", "29 1 0:33 / /srv\\040data rw - btrfs /dev/nvme0n1p1 rw\n");
  EXPECT_EQ(error_of(), std::string("setup: 0000:00:12.0 carries nvme0n1p1, mounted on /srv data") + kRefusal);
}

TEST_F(SetupTest, RefusesAMultipathNvmeHeadOfASubsystemTheControllerBelongsTo) {
  // With multipath the namespace's block device is not beneath the PCI device: the controller
  // has a hidden path (no device node) and the head sits in the subsystem, which links the controller.
  fs::path ctrl = fake.device_dir(kAddr) / "nvme/nvme1";
  fake.add_block_device(ctrl / "nvme1c1n1", "nvme1c1n1", "");
  fs::path subsys = fake.root() + "/devices/virtual/nvme-subsystem/nvme-subsys1";
  fs::create_directories(subsys);
  fs::create_directory_symlink(ctrl, subsys / "nvme1");
  fake.add_block_device(subsys / "nvme1n1", "nvme1n1", "259:7");
  fake.set_proc_file("self/mountinfo", "30 1 259:7 / /mnt rw - ext4 /dev/nvme1n1 rw\n");
  EXPECT_EQ(error_of(), std::string("setup: 0000:00:12.0 carries nvme1n1, mounted on /mnt") + kRefusal);
}

TEST_F(SetupTest, RefusesALogicalVolumeOnTheDisk) {
  add_nvme_disk(3);
  add_dm("nvme0n1p3", "dm-0", "254:0", "vg-root");
  fake.set_proc_file("self/mountinfo", "25 1 254:0 / / rw - ext4 /dev/mapper/vg-root rw\n");
  EXPECT_EQ(error_of(), std::string("setup: 0000:00:12.0 carries dm-0 (on nvme0n1p3), mounted on /") + kRefusal);
}

TEST_F(SetupTest, RefusesAVolumeOnAnMdArrayOnTheDisk) {
  add_nvme_disk(1);
  fake.add_block_device(fake.root() + "/devices/virtual/block/md0", "md0", "9:0");
  fake.add_holder("nvme0n1p1", "md0");
  add_dm("md0", "dm-3", "254:3", "crypt-home");
  fake.set_proc_file("self/mountinfo", "31 1 254:3 / /home rw - ext4 /dev/mapper/crypt-home rw\n");
  EXPECT_EQ(error_of(),
            std::string("setup: 0000:00:12.0 carries dm-3 (on md0 on nvme0n1p1), mounted on /home") + kRefusal);
}

TEST_F(SetupTest, RefusesSwapOnTheDisk) {
  add_nvme_disk(2);
  add_dm("nvme0n1p2", "dm-1", "254:1", "vg-swap");
  fake.set_proc_file("swaps",
                     "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
                     "/dev/dm-1                               partition\t8388604\t\t0\t\t-2\n");
  EXPECT_EQ(error_of(), std::string("setup: 0000:00:12.0 carries dm-1 (on nvme0n1p2), used as swap") + kRefusal);
}

TEST_F(SetupTest, RefusesADiskAProcessHasOpen) {
  add_nvme_disk(0);
  fake.add_process(4242, "qemu-system-x86", {"/dev/null", "/dev/nvme0n1"});
  EXPECT_EQ(error_of(),
            std::string("setup: 0000:00:12.0 carries nvme0n1, open in pid 4242 (qemu-system-x86)") + kRefusal);
}

TEST_F(SetupTest, AnIdleDiskIsNoReasonToRefuse) {
  add_nvme_disk(1);
  fake.add_process(4242, "bash", {"/dev/pts/0"});
  fake.set_proc_file("swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/swapfile file 1024 0 -2\n");
  EXPECT_EQ(error_of().rfind("(no error) 0000:00:12.0 bound to vfio-pci", 0), 0u);
}

TEST_F(SetupTest, RefusesTheInterfaceOfTheIpv4DefaultRoute) {
  fake.add_net_interface(fake.device_dir(kAddr) / "net/enp0s18", "enp0s18");
  fake.set_proc_file("net/route",
                     "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                     "enp0s18\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
  EXPECT_EQ(error_of().rfind("(no error)", 0), 0u);  // a route to its own subnet only: not the way out
  fake.bind(kAddr, "bochs-drm");
  fake.set_proc_file("net/route",
                     "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                     "enp0s18\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n");
  EXPECT_EQ(
      error_of(),
      std::string("setup: 0000:00:12.0 carries network interface enp0s18, which holds the default route") + kRefusal);
}

TEST_F(SetupTest, RefusesABridgeOnTheInterfaceThatHoldsTheIpv6DefaultRoute) {
  fake.add_net_interface(fake.device_dir(kAddr) / "virtio2/net/eth0", "eth0");
  fake.add_net_interface(fake.root() + "/devices/virtual/net/br0", "br0");
  fake.add_upper("eth0", "br0");
  const std::string zeros(32, '0');
  fake.set_proc_file("net/ipv6_route",
                     zeros + " 00 " + zeros + " 00 " + zeros + " ffffffff 00000001 00000000 00200200       lo\n" +
                         zeros + " 00 " + zeros +
                         " 00 fe800000000000000000000000000001 00000400 00000001 00000000 00450003      br0\n");
  EXPECT_EQ(error_of(),
            std::string("setup: 0000:00:12.0 carries network interface br0, which holds the default route") + kRefusal);
}

TEST_F(SetupTest, RefusesAGroupThatIsNotViable) {
  fake.add_device("0000:00:12.1", {{0xfe000000, 4096, 0x40200}});
  fake.bind("0000:00:12.1", "snd_hda_intel");
  fs::create_directory_symlink(fake.device_dir("0000:00:12.1"),
                               fake.root() + "/kernel/iommu_groups/5/devices/0000:00:12.1");
  EXPECT_EQ(
      error_of(),
      "setup: IOMMU group 5 also holds 0000:00:12.1 (snd_hda_intel); bind those to vfio-pci or unbind them first");
}

TEST_F(SetupTest, VfioNeedsTheIommu) {
  fake.add_device("0000:00:13.0", {{0xfe000000, 4096, 0x40200}});
  options.address = "0000:00:13.0";
  EXPECT_EQ(error_of(),
            "setup: 0000:00:13.0 has no IOMMU group: the IOMMU is off; enable VT-d/AMD-Vi in the firmware "
            "and, on Intel, boot with intel_iommu=on (AMD-Vi is on by default unless amd_iommu=off or "
            "iommu=off is given)");
}

TEST_F(SetupTest, RestoreNeedsARememberedDriver) {
  options.restore = true;
  EXPECT_EQ(error_of(),
            "setup: nothing to restore for 0000:00:12.0 (no " + options.state_dir + "/0000:00:12.0.driver)");
}

TEST_F(SetupTest, RebindingRefusesWhileAProcessHoldsTheDevice) {
  fake.bind(kAddr, "uio_pci_generic");
  fake.add_uio(kAddr, 3, {0});
  fake.add_process(55, "pcie_bar_export", {"/dev/uio3"});
  EXPECT_EQ(error_of(),
            "setup: 0000:00:12.0 is in use: pid 55 (pcie_bar_export) has /dev/uio3 open; stop that process "
            "first (rebinding under it would block in the kernel with vfio, or leave its uio/sysfs mapping "
            "live on the device)");
}

class RestoreTest : public SetupTest {
 protected:
  void SetUp() override {
    SetupTest::SetUp();
    ASSERT_EQ(error_of().rfind("(no error)", 0), 0u);
    options.restore = true;
  }
  std::string in_use(const std::string& who) {
    return "setup: 0000:00:12.0 is in use: " + who +
           "; stop that process first (restoring under it would block in "
           "the kernel with vfio, or leave its uio/sysfs mapping live on the device)";
  }
};

TEST_F(RestoreTest, RestoresTheOriginalDriver) {
  fake.add_process(100, "qemu",
                   {"/dev/vfio/vfio", "/dev/vfio/7", "anon_inode:[vfio-device]"});  // another group's device
  EXPECT_EQ(error_of(), "(no error) 0000:00:12.0 restored to bochs-drm\n");
  EXPECT_EQ(driver(), "bochs-drm");
  EXPECT_FALSE(fs::exists(state_file()));
}

TEST_F(RestoreTest, RefusesWhileAProcessHoldsTheVfioGroup) {
  fake.add_process(321, "pcie_bar_export", {"/dev/null", "/dev/vfio/vfio", "/dev/vfio/5", "anon_inode:[vfio-device]"});
  EXPECT_EQ(error_of(), in_use("pid 321 (pcie_bar_export) has /dev/vfio/5 open"));
  EXPECT_EQ(driver(), "vfio-pci");
}

TEST_F(RestoreTest, RefusesWhileAProcessHoldsAVfioDeviceWhoseGroupItClosed) {
  fake.add_process(321, "dpdk-app", {"/dev/vfio/vfio", "anon_inode:[vfio-device]"});
  EXPECT_EQ(error_of(),
            in_use("pid 321 (dpdk-app) holds a vfio device whose group it has closed (it may be this one)"));
}

TEST_F(RestoreTest, RefusesWhileAProcessHasTheUioNodeOpenOrMapped) {
  fake.add_uio(kAddr, 0, {0});
  fake.add_process(55, "pcie_bar_export", {"/dev/uio0"});
  EXPECT_EQ(error_of(), in_use("pid 55 (pcie_bar_export) has /dev/uio0 open"));
  fs::remove_all(fake.proc_root() + "/55");
  fake.add_process(56, "pcie_bar_export", {}, {"/dev/uio0"});
  EXPECT_EQ(error_of(), in_use("pid 56 (pcie_bar_export) maps /dev/uio0"));
}

TEST_F(RestoreTest, RefusesWhileAProcessMapsASysfsResource) {
  const std::string resource = fs::canonical(fake.device_dir(kAddr)).string() + "/resource0";
  fake.add_process(77, "pcie_bar_export", {}, {"/usr/lib/libc.so.6", resource});
  EXPECT_EQ(error_of(), in_use("pid 77 (pcie_bar_export) maps " + resource));
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
