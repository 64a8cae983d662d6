#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace pcie_bar {

// "0x1f"; with digits > 0, zero-padded to that many hex digits ("0x0000").
inline std::string hex(uint64_t v, int digits = 0) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace pcie_bar
