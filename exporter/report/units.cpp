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

std::string format_bytes_per_second(double bytes_per_second) {
  if (bytes_per_second < 1e3) return three_digits(bytes_per_second, "B/s");
  if (bytes_per_second < 1e6) return three_digits(bytes_per_second / 1e3, "kB/s");
  if (bytes_per_second < 1e9) return three_digits(bytes_per_second / 1e6, "MB/s");
  return three_digits(bytes_per_second / 1e9, "GB/s");
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

const char* op_label(Op op) {
  switch (op) {
    case Op::kRead: return "READ";
    case Op::kWrite: return "WRITE";
    case Op::kReadWrite: return "R+W";
  }
  return "?";
}

std::string timing_cpu_text(const TimingCpu& t) {
  std::string node = t.numa_node ? "NUMA node " + std::to_string(*t.numa_node) : "NUMA node unknown";
  if (t.cpu < 0) return "not pinned (sweep.cpu: none); the device's " + node;
  return std::to_string(t.cpu) + " (pinned for the run; " +
         (t.local_to_device ? "local to the device, " + node : "the device's " + node) +
         (t.note.empty() ? "" : "; " + t.note) + ")";
}

std::string writes_text(const WriteSpec& w) {
  if (!w.enabled) return "disabled (WRITE, R+W and write-verify are skipped)";
  return w.restore ? "enabled; the window is saved and restored" : "enabled; the window is NOT restored";
}

std::string pad_left(const std::string& s, std::size_t width) {
  std::size_t columns = 0;
  for (char c : s) columns += (static_cast<unsigned char>(c) & 0xc0) != 0x80;  // skip continuation bytes
  return columns >= width ? s : std::string(width - columns, ' ') + s;
}

}  // namespace pcie_bar
