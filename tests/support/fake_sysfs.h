#pragma once
// Builds a fake /sys (and /dev) in a temp directory: PCI devices with their attribute files,
// resourceN files that can really be mmap()ed, driver and iommu_group links, uio nodes.

#include <cstdint>
#include <filesystem>
#include <set>
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
  void add_device(const std::string& address, const std::vector<FakeBarSpec>& bars,
                  const std::string& vendor = "0x1234", const std::string& device = "0x11e8");
  void set_file(const std::string& address, const std::string& name, const std::string& content);
  void bind(const std::string& address, const std::string& driver);
  void set_iommu_group(const std::string& address, const std::string& group);
  // uio node `uioN` for the device, with one map per BAR index given (in that order; addr, offset
  // and size as uio_pci_generic sets them), and a /dev/uioN file big enough to mmap every map at
  // N*pagesize.
  void add_uio(const std::string& address, int n, const std::vector<unsigned>& bar_indexes);
  std::filesystem::path device_dir(const std::string& address) const;

  // Block device `name` (major:minor `dev`) whose node is the directory `dir` (under root()),
  // linked from /sys/class/block as the kernel does; `dev` empty: no device node (a hidden
  // NVMe multipath path such as nvme0c0n1).
  void add_block_device(const std::filesystem::path& dir, const std::string& name, const std::string& dev);
  // `upper` (dm-0, md0) is built on `lower`: /sys/class/block/<lower>/holders/<upper>.
  void add_holder(const std::string& lower, const std::string& upper);
  void add_net_interface(const std::filesystem::path& dir, const std::string& name);
  // `upper` (a bridge, bond or VLAN) is built on `lower`: /sys/class/net/<lower>/upper_<upper>.
  void add_upper(const std::string& lower, const std::string& upper);

  // A fake /proc beside the fake /sys: files by name ("self/mountinfo", "swaps", "net/route"),
  // and processes with fds 0.. pointing at `fd_targets` and a maps file naming `mapped`.
  std::string proc_root() const { return (dir_ / "proc").string(); }
  void set_proc_file(const std::string& name, const std::string& content);
  void add_process(int pid, const std::string& comm, const std::vector<std::string>& fd_targets,
                   const std::vector<std::string>& mapped = {});

  // The kernel behind sysfs writes (for SetupOptions::sysfs_writer): records the value in the
  // file, then `unbind` removes the device's driver link and `bind` creates it, failing as the
  // kernel does: EBUSY when the device has a driver, ENODEV when driver_override names another
  // driver, EINVAL when the driver's probe is in `failing_probes` (vfio-pci on a bridge).
  void kernel_write(const std::string& path, const std::string& value);
  std::set<std::string> failing_probes;

 private:
  std::filesystem::path dir_;
  std::vector<std::vector<FakeBarSpec>> bars_;
};

}  // namespace pcie_bar::testing
