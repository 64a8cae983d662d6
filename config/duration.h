#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace pcie_bar {

// Prometheus-style durations: "500ms", "60s", "5m", "1h30m", "2d". nullopt when malformed,
// empty, or too large to hold in milliseconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace pcie_bar
