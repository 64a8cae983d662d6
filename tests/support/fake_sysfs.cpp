#include "tests/support/fake_sysfs.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>

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
  dir_ = fs::path(::testing::TempDir()) / ("fake-sysfs-" + std::to_string(getpid()) + "-" +
                                           std::to_string(reinterpret_cast<uintptr_t>(this)));
  fs::create_directories(dir_ / "sys/bus/pci/devices");
  fs::create_directories(dir_ / "sys/bus/pci/drivers");
  fs::create_directories(dir_ / "sys/kernel/iommu_groups");
  fs::create_directories(dir_ / "dev/vfio");
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

}  // namespace pcie_bar::testing
