#include "tests/support/proc_maps.h"

#include <fcntl.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace pcie_bar::testing {

namespace {

std::vector<MapsEntry> all_mappings() {
  std::vector<MapsEntry> entries;
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {  // 7f..-7f.. r--s 00000000 08:01 1234   /path
    std::istringstream f(line);
    std::string range, perms, offset, dev, inode, path;
    f >> range >> perms >> offset >> dev >> inode;
    std::getline(f >> std::ws, path);
    entries.push_back({std::stoull(range.substr(0, range.find('-')), nullptr, 16),
                       std::stoull(range.substr(range.find('-') + 1), nullptr, 16), perms, path});
  }
  return entries;
}

}  // namespace

std::optional<MapsEntry> mapping_at(const volatile void* addr) {
  const auto a = reinterpret_cast<uintptr_t>(addr);
  for (const MapsEntry& e : all_mappings())
    if (a >= e.start && a < e.end) return e;
  return std::nullopt;
}

std::vector<MapsEntry> mappings_of(const std::string& path) {
  const std::string wanted = std::filesystem::weakly_canonical(path).string();  // as the kernel names it
  std::vector<MapsEntry> found;
  for (const MapsEntry& e : all_mappings())
    if (e.path == wanted) found.push_back(e);
  return found;
}

std::size_t open_fd_count() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
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
