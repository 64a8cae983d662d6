#pragma once
// Human-readable figures for the table report.

#include <cstdint>
#include <string>

namespace pcie_bar {

// "812 ns", "12.3 µs", "1.25 ms", "2.50 s": three significant digits in the unit that fits.
std::string format_seconds(double seconds);
// Megabytes (10^6 bytes) per second, two decimals.
std::string format_mb_per_s(double bytes_per_second);
// "1 B", "64 B", "4 KiB", "16 KiB", "1.5 MiB".
std::string format_bytes(uint64_t bytes);

// Right-aligns `s` in `width` columns, counting UTF-8 characters (so "µs" is two columns).
std::string pad_left(const std::string& s, std::size_t width);

}  // namespace pcie_bar
