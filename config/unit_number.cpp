#include "config/unit_number.h"

#include <cstdlib>
#include <string>

namespace pcie_bar {

std::optional<double> parse_number_with_unit(std::string_view text, std::span<const UnitScale> units) {
  for (const auto& [unit, scale] : units) {
    if (text.size() <= unit.size() || text.substr(text.size() - unit.size()) != unit) continue;
    const std::string number(text.substr(0, text.size() - unit.size()));
    if (number.find_first_not_of("0123456789.") != std::string::npos || number.front() == '.') return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (*end != '\0') return std::nullopt;
    return value * scale;
  }
  return std::nullopt;
}

}  // namespace pcie_bar
