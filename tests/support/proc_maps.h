#pragma once
// This process's own mappings, from /proc/self/maps: what a test checks to prove a BAR is
// mapped read-only (r--s) or how long a mapping really is.

#include <cstdint>
#include <optional>
#include <string>

namespace pcie_bar::testing {

struct MapsEntry {
  uint64_t start = 0, end = 0;
  std::string perms;  // "r--s", "rw-s", ...
  std::string path;
  uint64_t size() const { return end - start; }
};

// The mapping that holds `addr`, if any.
std::optional<MapsEntry> mapping_at(const volatile void* addr);

}  // namespace pcie_bar::testing
