#include "config/throughput.h"

#include <cstdlib>
#include <string>
#include <utility>

namespace pcie_bar {

namespace {

// Longest first, so "MiB/s" is not read as a number followed by "B/s".
constexpr std::pair<std::string_view, double> kUnits[] = {{"KiB/s", 1024.0},
                                                          {"MiB/s", 1024.0 * 1024},
                                                          {"GiB/s", 1024.0 * 1024 * 1024},
                                                          {"kB/s", 1e3},
                                                          {"MB/s", 1e6},
                                                          {"GB/s", 1e9},
                                                          {"B/s", 1},
                                                          {"", 1}};

}  // namespace

std::optional<double> parse_throughput(std::string_view text) {
  for (const auto& [unit, scale] : kUnits) {
    if (text.size() <= unit.size() || text.substr(text.size() - unit.size()) != unit) continue;
    const std::string number(text.substr(0, text.size() - unit.size()));
    if (number.find_first_not_of("0123456789.") != std::string::npos || number.front() == '.') return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (*end != '\0' || !(value > 0)) return std::nullopt;
    return value * scale;
  }
  return std::nullopt;
}

}  // namespace pcie_bar
