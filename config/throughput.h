#pragma once

#include <optional>
#include <string_view>

namespace pcie_bar {

// Throughput limits: a decimal number and a unit, B/s, kB/s, MB/s, GB/s (powers of 1000, as the
// reports print them) or KiB/s, MiB/s, GiB/s (powers of 1024); a plain number is bytes per
// second. nullopt when malformed or not above 0.
std::optional<double> parse_throughput(std::string_view text);

}  // namespace pcie_bar
