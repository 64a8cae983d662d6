#include "core/pci_address.h"

#include <cstdio>
#include <regex>

namespace pcie_bar {

std::optional<std::string> canonical_pci_address(std::string_view text) {
  static const std::regex re("^(?:([0-9a-fA-F]{1,4}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\\.([0-7])$");
  std::cmatch m;
  if (!std::regex_match(text.begin(), text.end(), m, re)) return std::nullopt;
  unsigned domain = m[1].matched ? std::stoul(m[1].str(), nullptr, 16) : 0;
  unsigned bus = std::stoul(m[2].str(), nullptr, 16);
  unsigned dev = std::stoul(m[3].str(), nullptr, 16);
  unsigned fn = std::stoul(m[4].str(), nullptr, 16);
  if (dev > 0x1f) return std::nullopt;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", domain, bus, dev, fn);
  return std::string(buf);
}

}  // namespace pcie_bar
