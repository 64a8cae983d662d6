#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pcie_bar {

// "0000:22:00.0" or "22:00.0" (domain 0) to the canonical "0000:22:00.0"; nullopt when the
// text is not a PCI address (hex fields, device <= 0x1f, function <= 7).
std::optional<std::string> canonical_pci_address(std::string_view text);

}  // namespace pcie_bar
