#include "config/duration.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>

#include "config/unit_number.h"

namespace pcie_bar {

namespace {

constexpr std::pair<std::string_view, uint64_t> kUnits[] = {{"ms", 1},        {"s", 1000},       {"m", 60'000},
                                                            {"h", 3'600'000}, {"d", 86'400'000}, {"w", 604'800'000}};

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t total = 0;
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  while (!text.empty()) {
    uint64_t n = 0;
    size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
      if (n > kMax / 10) return std::nullopt;
      n = n * 10 + static_cast<uint64_t>(text[digits++] - '0');
    }
    if (digits == 0) return std::nullopt;
    text.remove_prefix(digits);
    // "ms" before "m" and "s": the longest unit that matches wins.
    uint64_t scale = 0;
    size_t unit_len = 0;
    for (auto [unit, ms] : kUnits) {
      if (text.substr(0, unit.size()) == unit && unit.size() > unit_len) scale = ms, unit_len = unit.size();
    }
    if (unit_len == 0 || n > kMax / scale || total > kMax - n * scale) return std::nullopt;
    total += n * scale;
    text.remove_prefix(unit_len);
  }
  return std::chrono::milliseconds(static_cast<int64_t>(total));
}

std::optional<std::chrono::nanoseconds> parse_latency(std::string_view text) {
  constexpr UnitScale kLatencyUnits[] = {{"ns", 1}, {"us", 1e3}, {"\u00b5s", 1e3}, {"ms", 1e6}, {"s", 1e9}};
  const auto ns = parse_number_with_unit(text, kLatencyUnits);
  if (!ns || *ns > 1e12) return std::nullopt;  // over 1000 s is no latency
  return std::chrono::nanoseconds(std::llround(*ns));
}

}  // namespace pcie_bar
