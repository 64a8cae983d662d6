#include "tests/support/fake_sysfs.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <map>
#include <system_error>

#include <gtest/gtest.h>

namespace pcie_bar::testing {

namespace fs = std::filesystem;

namespace {

std::map<std::string, std::vector<FakeBarSpec>>& bars_by_address() {
  static std::map<std::string, std::vector<FakeBarSpec>> m;
  return m;
}

std::string hex(uint64_t v, int digits = 16) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%0*llx", digits, static_cast<unsigned long long>(v));
  return b;
}

}  // namespace

FakeSysfs::FakeSysfs() {
  dir_ = fs::path(::testing::TempDir()) /
         ("fake-sysfs-" + std::to_string(getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
  fs::create_directories(dir_ / "sys/bus/pci/devices");
  fs::create_directories(dir_ / "sys/bus/pci/drivers");
  fs::create_directories(dir_ / "sys/kernel/iommu_groups");
  fs::create_directories(dir_ / "dev/vfio");
  fs::create_directories(dir_ / "sys/class/block");
  fs::create_directories(dir_ / "sys/class/net");
  fs::create_directories(dir_ / "proc/self");
  fs::create_directories(dir_ / "proc/net");
}

FakeSysfs::~FakeSysfs() { fs::remove_all(dir_); }

fs::path FakeSysfs::device_dir(const std::string& address) const { return dir_ / "sys/bus/pci/devices" / address; }

void FakeSysfs::add_device(const std::string& address, const std::vector<FakeBarSpec>& bars, const std::string& vendor,
                           const std::string& device) {
  fs::path d = device_dir(address);
  fs::create_directories(d);
  set_file(address, "vendor", vendor);
  set_file(address, "device", device);
  set_file(address, "class", "0x00ff00");
  set_file(address, "revision", "0x10");
  set_file(address, "subsystem_vendor", "0x1af4");
  set_file(address, "subsystem_device", "0x1100");
  std::ofstream res(d / "resource");
  for (int i = 0; i < 13; ++i) {
    FakeBarSpec b = i < static_cast<int>(bars.size()) ? bars[static_cast<size_t>(i)] : FakeBarSpec{0, 0, 0};
    res << hex(b.start) << " " << hex(b.size ? b.start + b.size - 1 : 0) << " " << hex(b.flags) << "\n";
    if (b.size && !(b.flags & 0x100)) {
      std::ofstream f(d / ("resource" + std::to_string(i)), std::ios::binary);
      f.seekp(static_cast<std::streamoff>(b.size - 1));
      f.put('\0');
    }
  }
  // Config space: command register with memory decoding on.
  std::ofstream cfg(d / "config", std::ios::binary);
  const char config[8] = {0x34, 0x12, static_cast<char>(0xe8), 0x11, 0x06, 0x00, 0x10, 0x00};
  cfg.write(config, sizeof config);
  bars_by_address()[address] = bars;
}

void FakeSysfs::set_file(const std::string& address, const std::string& name, const std::string& content) {
  std::ofstream(device_dir(address) / name) << content << "\n";
}

void FakeSysfs::bind(const std::string& address, const std::string& driver) {
  fs::path drv = dir_ / "sys/bus/pci/drivers" / driver;
  fs::create_directories(drv);
  fs::remove(device_dir(address) / "driver");
  fs::create_directory_symlink(drv, device_dir(address) / "driver");
}

void FakeSysfs::set_iommu_group(const std::string& address, const std::string& group) {
  fs::path g = dir_ / "sys/kernel/iommu_groups" / group;
  fs::create_directories(g / "devices");
  fs::create_directory_symlink(device_dir(address), g / "devices" / address);
  fs::create_directory_symlink(g, device_dir(address) / "iommu_group");
  std::ofstream(dir_ / "dev/vfio" / group) << "";
}

void FakeSysfs::add_uio(const std::string& address, int n, const std::vector<unsigned>& bar_indexes) {
  const std::string node = "uio" + std::to_string(n);
  fs::path maps = device_dir(address) / "uio" / node / "maps";
  const auto& bars = bars_by_address()[address];
  const long page = sysconf(_SC_PAGESIZE);
  uint64_t file_size = 0;
  for (std::size_t k = 0; k < bar_indexes.size(); ++k) {
    // As uio_pci_generic sets them: the page holding the BAR's start, the BAR's offset in that
    // page, and a size counting that offset, rounded up to whole pages.
    const FakeBarSpec& b = bars.at(bar_indexes[k]);
    const uint64_t upage = static_cast<uint64_t>(page), offset = b.start % upage;
    uint64_t size = (offset + b.size + upage - 1) / upage * upage;
    fs::path m = maps / ("map" + std::to_string(k));
    fs::create_directories(m);
    std::ofstream(m / "addr") << hex(b.start - offset) << "\n";
    std::ofstream(m / "size") << hex(size) << "\n";
    std::ofstream(m / "offset") << hex(offset) << "\n";
    file_size = std::max(file_size, k * static_cast<uint64_t>(page) + size);
  }
  std::ofstream f(dir_ / "dev" / node, std::ios::binary);
  f.seekp(static_cast<std::streamoff>(file_size - 1));
  f.put('\0');
}

void FakeSysfs::add_block_device(const fs::path& dir, const std::string& name, const std::string& dev) {
  fs::create_directories(dir / "holders");
  if (!dev.empty()) std::ofstream(dir / "dev") << dev << "\n";
  fs::create_directory_symlink(dir, dir_ / "sys/class/block" / name);
}

void FakeSysfs::add_holder(const std::string& lower, const std::string& upper) {
  fs::path block = dir_ / "sys/class/block";
  fs::create_directory_symlink(fs::canonical(block / upper), block / lower / "holders" / upper);
}

void FakeSysfs::add_net_interface(const fs::path& dir, const std::string& name) {
  fs::create_directories(dir);
  fs::create_directory_symlink(dir, dir_ / "sys/class/net" / name);
}

void FakeSysfs::add_upper(const std::string& lower, const std::string& upper) {
  fs::path net = dir_ / "sys/class/net";
  fs::create_directory_symlink(fs::canonical(net / upper), net / lower / ("upper_" + upper));
  fs::create_directory_symlink(fs::canonical(net / lower), net / upper / ("lower_" + lower));
}

void FakeSysfs::set_proc_file(const std::string& name, const std::string& content) {
  fs::create_directories((dir_ / "proc" / name).parent_path());
  std::ofstream(dir_ / "proc" / name) << content;
}

void FakeSysfs::add_process(int pid, const std::string& comm, const std::vector<std::string>& fd_targets,
                            const std::vector<std::string>& mapped) {
  fs::path p = dir_ / "proc" / std::to_string(pid);
  fs::create_directories(p / "fd");
  std::ofstream(p / "comm") << comm << "\n";
  for (std::size_t i = 0; i < fd_targets.size(); ++i) fs::create_symlink(fd_targets[i], p / "fd" / std::to_string(i));
  std::ofstream maps(p / "maps");
  for (const auto& m : mapped)
    maps << "7f0000000000-7f0000001000 rw-s 00000000 00:05 1234                       " << m << "\n";
}

void FakeSysfs::kernel_write(const std::string& path, const std::string& value) {
  std::ofstream(path) << value << "\n";
  const fs::path attribute(path);
  if (attribute.filename() == "unbind") {
    fs::remove(device_dir(value) / "driver");
  } else if (attribute.filename() == "bind") {
    const std::string driver = attribute.parent_path().filename();
    std::ifstream override_file(device_dir(value) / "driver_override");
    std::string override_driver;
    std::getline(override_file, override_driver);
    if (fs::is_symlink(device_dir(value) / "driver")) throw std::system_error(EBUSY, std::generic_category());
    if (!override_driver.empty() && override_driver != driver) throw std::system_error(ENODEV, std::generic_category());
    if (failing_probes.count(driver)) throw std::system_error(EINVAL, std::generic_category());
    bind(value, driver);
  }
}

}  // namespace pcie_bar::testing
