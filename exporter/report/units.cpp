#include "exporter/report/units.h"

#include <cstdio>

namespace pcie_bar {

namespace {

std::string three_digits(double v, const char* unit) {
  char buf[32];
  const char* fmt = v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s";
  std::snprintf(buf, sizeof buf, fmt, v, unit);
  return buf;
}

}  // namespace

std::string format_seconds(double s) {
  if (s < 1e-6) return three_digits(s * 1e9, "ns");
  if (s < 1e-3) return three_digits(s * 1e6, "µs");
  if (s < 1) return three_digits(s * 1e3, "ms");
  return three_digits(s, "s");
}

std::string format_mb_per_s(double bytes_per_second) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", bytes_per_second / 1e6);
  return buf;
}

std::string format_bytes(uint64_t b) {
  char buf[32];
  if (b < 1024)
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  else if (b < (1u << 20) && b % 1024 == 0)
    std::snprintf(buf, sizeof buf, "%llu KiB", static_cast<unsigned long long>(b >> 10));
  else if (b < (1u << 20))
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(b) / 1024);
  else if (b % (1u << 20) == 0)
    std::snprintf(buf, sizeof buf, "%llu MiB", static_cast<unsigned long long>(b >> 20));
  else
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(b) / (1u << 20));
  return buf;
}

std::string pad_left(const std::string& s, std::size_t width) {
  std::size_t columns = 0;
  for (char c : s) columns += (static_cast<unsigned char>(c) & 0xc0) != 0x80;  // skip continuation bytes
  return columns >= width ? s : std::string(width - columns, ' ') + s;
}

}  // namespace pcie_bar
