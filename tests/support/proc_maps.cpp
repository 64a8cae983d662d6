#include "tests/support/proc_maps.h"

#include <fstream>
#include <sstream>

namespace pcie_bar::testing {

std::optional<MapsEntry> mapping_at(const volatile void* addr) {
  const auto a = reinterpret_cast<uintptr_t>(addr);
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {  // 7f..-7f.. r--s 00000000 08:01 1234   /path
    std::istringstream f(line);
    std::string range, perms, offset, dev, inode, path;
    f >> range >> perms >> offset >> dev >> inode;
    std::getline(f >> std::ws, path);
    MapsEntry e{std::stoull(range.substr(0, range.find('-')), nullptr, 16),
                std::stoull(range.substr(range.find('-') + 1), nullptr, 16), perms, path};
    if (a >= e.start && a < e.end) return e;
  }
  return std::nullopt;
}

}  // namespace pcie_bar::testing
