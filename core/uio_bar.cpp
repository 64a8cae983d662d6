#include "core/uio_bar.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "core/bar_checks.h"
#include "core/hex.h"
#include "core/mmap_bar.h"
#include "core/sysfs_bar.h"

namespace pcie_bar {

namespace {

std::string uio_node(const std::string& device_dir) {
  std::string found;
  std::error_code ec;  // no uio directory: not bound to a uio driver
  for (const auto& entry : std::filesystem::directory_iterator(device_dir + "/uio", ec))
    if (std::string name = entry.path().filename(); name.rfind("uio", 0) == 0) found = name;
  return found;
}

// A uio map attribute ("0xfebf0000"); 0 when absent or unreadable, which matches no BAR.
uint64_t read_hex(const std::string& path) {
  auto t = read_text(path);
  if (!t) return 0;
  char* end = nullptr;
  uint64_t v = std::strtoull(t->c_str(), &end, 0);
  return end != t->c_str() && *end == '\0' ? v : 0;
}

}  // namespace

std::unique_ptr<Bar> open_uio_bar(const DeviceSpec& spec, const PciSysfs& sysfs, const std::string& dev_root) {
  PciResource res = require_memory_bar(sysfs, spec);
  require_driver(sysfs, spec, "uio_pci_generic");
  require_mmap_method(spec, "/dev/uioN");
  const std::string dir = sysfs.device_dir(spec.address);
  const std::string node = uio_node(dir);
  if (node.empty())
    throw DeviceError("uio: " + spec.address + " is bound to uio_pci_generic but has no uio node in " + dir + "/uio");
  const std::string maps = dir + "/uio/" + node + "/maps";
  for (int k = 0; access((maps + "/map" + std::to_string(k)).c_str(), F_OK) == 0; ++k) {
    const std::string m = maps + "/map" + std::to_string(k);
    if (read_hex(m + "/addr") + read_hex(m + "/offset") != res.start) continue;
    // uio_pci_generic's map size already counts the BAR's offset in its first page (size =
    // page-rounded offset + BAR size), and uio refuses a longer mapping with EINVAL.
    const uint64_t map_size = read_hex(m + "/size"), offset = read_hex(m + "/offset");
    if (offset + res.size() > map_size)
      throw DeviceError("uio: " + m + " is " + hex(map_size) + " bytes, too small for BAR" + std::to_string(spec.bar) +
                        " (" + hex(res.size()) + " bytes at offset " + hex(offset) + ")");
    const std::string path = dev_root + "/" + node;
    const MapAccess access = map_access_for(spec);
    auto [fd, map] = map_file("uio", path, static_cast<uint64_t>(k) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)),
                              map_size, false, access);
    BarProperties p;
    p.size = res.size();
    p.prefetchable = res.prefetchable();
    p.is_64bit = res.is_64bit();
    p.description = path + " map" + std::to_string(k) + " (BAR" + std::to_string(spec.bar) + " at " + hex(res.start) +
                    ")" + (access == MapAccess::kReadOnly ? " (read-only)" : "");
    return std::make_unique<MmapBar>(std::move(fd), std::move(map), offset, p, sysfs_presence("uio", dir),
                                     access == MapAccess::kReadWrite);
  }
  // uio_pci_generic maps only 32-bit non-prefetchable memory BARs; sysfs works while it is bound.
  auto bar = open_sysfs_bar(spec, sysfs);
  bar->prefix_description("BAR" + std::to_string(spec.bar) +
                          " has no uio map (uio_pci_generic maps only 32-bit non-prefetchable memory BARs); using ");
  return bar;
}

}  // namespace pcie_bar
