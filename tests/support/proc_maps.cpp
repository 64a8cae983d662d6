#include "tests/support/proc_maps.h"

#include <fcntl.h>

#include <filesystem>
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

std::vector<int> open_access_modes(const std::string& path) {
  namespace fs = std::filesystem;
  std::vector<int> modes;
  std::error_code ec;
  const fs::path wanted = fs::canonical(path, ec);
  for (const auto& fd : fs::directory_iterator("/proc/self/fd", ec)) {
    std::error_code link_ec;
    if (fs::read_symlink(fd.path(), link_ec) != wanted) continue;
    std::ifstream info("/proc/self/fdinfo/" + fd.path().filename().string());
    for (std::string key, value; info >> key >> value;)
      if (key == "flags:") modes.push_back(static_cast<int>(std::stoul(value, nullptr, 8) & O_ACCMODE));
  }
  return modes;
}

}  // namespace pcie_bar::testing
