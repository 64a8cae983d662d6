#pragma once
// This process's own mappings and open files, from /proc/self: what a test checks to prove a BAR
// is mapped read-only (r--s), opened read-only, or how long a mapping really is.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pcie_bar::testing {

struct MapsEntry {
  uint64_t start = 0, end = 0;
  std::string perms;  // "r--s", "rw-s", ...
  std::string path;
  uint64_t size() const { return end - start; }
};

// The mapping that holds `addr`, if any.
std::optional<MapsEntry> mapping_at(const volatile void* addr);

// Every mapping of the file `path` (as /proc/self/maps names it).
std::vector<MapsEntry> mappings_of(const std::string& path);

// How many descriptors this process has open.
std::size_t open_fd_count();

// The access modes (O_RDONLY, O_WRONLY or O_RDWR) of this process's open descriptors of `path`.
std::vector<int> open_access_modes(const std::string& path);

}  // namespace pcie_bar::testing
