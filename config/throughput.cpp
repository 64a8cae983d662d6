#include "config/throughput.h"

#include "config/unit_number.h"

namespace pcie_bar {

namespace {

// Longest first, so "MiB/s" is not read as a number followed by "B/s".
constexpr UnitScale kUnits[] = {{"KiB/s", 1024.0},
                                {"MiB/s", 1024.0 * 1024},
                                {"GiB/s", 1024.0 * 1024 * 1024},
                                {"kB/s", 1e3},
                                {"MB/s", 1e6},
                                {"GB/s", 1e9},
                                {"B/s", 1},
                                {"", 1}};

}  // namespace

std::optional<double> parse_throughput(std::string_view text) {
  const auto bytes_per_second = parse_number_with_unit(text, kUnits);
  if (!bytes_per_second || !(*bytes_per_second > 0)) return std::nullopt;
  return bytes_per_second;
}

}  // namespace pcie_bar
