#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <utility>

namespace pcie_bar {

using UnitScale = std::pair<std::string_view, double>;

// A plain decimal number ("1.5", no sign, no exponent) followed by one of `units`: the number
// times that unit's scale. The first unit the text ends with is taken, so a unit must come
// before any unit that is a suffix of it ("MiB/s" before "B/s", "ns" before "s"); an empty unit
// takes a bare number. nullopt when no unit matches or the number is malformed.
std::optional<double> parse_number_with_unit(std::string_view text, std::span<const UnitScale> units);

}  // namespace pcie_bar
