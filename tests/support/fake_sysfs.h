#pragma once
// Builds a fake /sys (and /dev) in a temp directory: PCI devices with their attribute files,
// resourceN files that can really be mmap()ed, driver and iommu_group links, uio nodes.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pcie_bar::testing {

struct FakeBarSpec {
  uint64_t start, size, flags;  // flags as in sysfs `resource` (0x40200 = 32-bit mem, 0x14220c = 64-bit prefetch)
};

class FakeSysfs {
 public:
  FakeSysfs();
  ~FakeSysfs();
  std::string root() const { return (dir_ / "sys").string(); }
  std::string dev_root() const { return (dir_ / "dev").string(); }

  // A device with vendor/device/class files and BARs (index = position; size 0 = absent).
  void add_device(const std::string& address, const std::vector<FakeBarSpec>& bars, const std::string& vendor = "0x1234",
                  const std::string& device = "0x11e8");
  void set_file(const std::string& address, const std::string& name, const std::string& content);
  void bind(const std::string& address, const std::string& driver);
  void set_iommu_group(const std::string& address, const std::string& group);
  // uio node `uioN` for the device, with one map per BAR index given (in that order; addr, offset
  // and size as uio_pci_generic sets them), and a /dev/uioN file big enough to mmap every map at
  // N*pagesize.
  void add_uio(const std::string& address, int n, const std::vector<unsigned>& bar_indexes);
  std::filesystem::path device_dir(const std::string& address) const;

 private:
  std::filesystem::path dir_;
  std::vector<std::vector<FakeBarSpec>> bars_;
};

}  // namespace pcie_bar::testing
