#include "core/sysfs_bar.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/fake_sysfs.h"
#include "tests/support/proc_maps.h"

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
    fake.add_device("0000:00:14.0",
                    {{0xfebf0000, 8192, 0x40200}, {0xc000, 256, 0x40101}, {0, 0, 0}, {0xf0000000, 4096, 0x14220c}});
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
            "sysfs: sysfs resource0 supports mmap only (read()/pread() fail or block); set access.method: mmap, or use "
            "backend vfio");
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

TEST_F(SysfsBarTest, WithWritesDisabledTheFileIsMappedReadOnly) {
  DeviceSpec ro = sysfs_spec(0);
  ro.writes.enabled = false;
  auto bar = open_sysfs_bar(ro, PciSysfs(fake.root()));
  auto m = testing::mapping_at(bar->mapping());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->perms, "r--s") << m->path;
  // Opened read-only too: a container's /sys is a read-only mount, where O_RDWR fails.
  EXPECT_EQ(testing::open_access_modes(fake.device_dir("0000:00:14.0") / "resource0"), std::vector<int>{O_RDONLY});
  EXPECT_NE(bar->properties().description.find("(read-only)"), std::string::npos);
  EXPECT_EQ(bar->load(0x100, 4), 0u);
  EXPECT_THROW(bar->store(0x100, 4, 1), DeviceError);  // refused, not a SIGSEGV

  auto rw = open_sysfs_bar(sysfs_spec(0), PciSysfs(fake.root()));
  EXPECT_EQ(testing::mapping_at(rw->mapping())->perms, "rw-s");
}

TEST_F(SysfsBarTest, ABarALiveDriverOwnsComesWithAWarning) {
  DeviceSpec ro = sysfs_spec(0);
  ro.writes.enabled = false;
  EXPECT_TRUE(open_sysfs_bar(ro, PciSysfs(fake.root()))->properties().warnings.empty());
  fake.bind("0000:00:14.0", "uio_pci_generic");  // never touches the BARs
  EXPECT_TRUE(open_sysfs_bar(ro, PciSysfs(fake.root()))->properties().warnings.empty());
  fake.bind("0000:00:14.0", "nvme");
  auto warnings = open_sysfs_bar(ro, PciSysfs(fake.root()))->properties().warnings;
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "BAR0 of 0000:00:14.0 belongs to the live driver nvme: reads bypass it, can have side effects "
            "(clear-on-read status, FIFO pops, doorbells) and race with it");
  warnings = open_sysfs_bar(sysfs_spec(0), PciSysfs(fake.root()))->properties().warnings;
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("; writes are ENABLED and can corrupt its state or the device's: disable them"),
            std::string::npos);
}

TEST_F(SysfsBarTest, MmapRefusalsSayWhyAndWhatToDo) {
  PciSysfs sysfs(fake.root());
  const std::string addr = "0000:00:14.0";
  // CONFIG_IO_STRICT_DEVMEM: pci_mmap_resource returns EINVAL for a BAR a driver has claimed.
  fake.bind(addr, "nvme");
  EXPECT_EQ(explain_sysfs_mmap_error(EINVAL, sysfs, addr),
            "the kernel refuses to map a BAR whose memory a driver has claimed (CONFIG_IO_STRICT_DEVMEM, on in "
            "Debian's and most distributions' kernels); 0000:00:14.0 is bound to nvme: boot the host with "
            "iomem=relaxed to allow it, or use backend vfio (or uio) with the device bound to vfio-pci "
            "(uio_pci_generic) and no other user");
  // Lockdown: EPERM for every resourceN mmap.
  std::filesystem::create_directories(fake.root() + "/kernel/security");
  std::ofstream(fake.root() + "/kernel/security/lockdown") << "none [integrity] confidentiality\n";
  EXPECT_EQ(explain_sysfs_mmap_error(EPERM, sysfs, addr),
            "the kernel is in lockdown mode 'integrity' (Secure Boot, or lockdown= on the command line), which refuses "
            "every mmap of a PCI resource file; use backend vfio or uio instead");
  std::ofstream(fake.root() + "/kernel/security/lockdown") << "[none] integrity confidentiality\n";
  EXPECT_NE(explain_sysfs_mmap_error(EPERM, sysfs, addr).find("not locked down: a security policy"), std::string::npos);
  std::filesystem::remove(fake.root() + "/kernel/security/lockdown");
  EXPECT_NE(explain_sysfs_mmap_error(EPERM, sysfs, addr).find("if the kernel is locked down (Secure Boot"),
            std::string::npos);
  EXPECT_EQ(explain_sysfs_mmap_error(ENOMEM, sysfs, addr), "");
}

}  // namespace
}  // namespace pcie_bar
