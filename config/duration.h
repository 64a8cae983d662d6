#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace pcie_bar {

// Prometheus-style durations: "500ms", "60s", "5m", "1h30m", "2d". nullopt when malformed,
// empty, or too large to hold in milliseconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// Device latencies: a decimal number and a unit, ns, us (or µs), ms or s: "1.2us", "60ns".
// nullopt when malformed or negative.
std::optional<std::chrono::nanoseconds> parse_latency(std::string_view text);

}  // namespace pcie_bar
