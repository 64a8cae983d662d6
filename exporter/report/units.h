#pragma once
// Human-readable figures for the table and HTML reports.

#include <cstdint>
#include <cstdio>
#include <string>

#include "core/device_spec.h"
#include "core/op.h"
#include "core/timing_cpu.h"

namespace pcie_bar {

// "812 ns", "12.3 µs", "1.25 ms", "2.50 s": three significant digits in the unit that fits.
std::string format_seconds(double seconds);
// Megabytes (10^6 bytes) per second, two decimals.
std::string format_mb_per_s(double bytes_per_second);
// "812 B/s", "95.0 kB/s", "1.25 GB/s": three significant digits in the decimal unit that fits
// (powers of 1000, as the table's MB/s and the config's throughputs count).
std::string format_bytes_per_second(double bytes_per_second);
// "1 B", "64 B", "4 KiB", "16 KiB", "1.5 MiB".
std::string format_bytes(uint64_t bytes);

// "READ", "WRITE", "R+W": an op as the human reports label it.
const char* op_label(Op op);

// "5 (pinned for the run; local to the device, NUMA node 1)": the CPU that timed a run.
std::string timing_cpu_text(const TimingCpu& t);
// "enabled; the window is saved and restored", "disabled (WRITE, R+W and write-verify are skipped)".
std::string writes_text(const WriteSpec& w);

// printf into a string: the report's fixed-width columns (at most 255 characters).
std::string printf_string(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);  // NOLINT(cppcoreguidelines-pro-type-vararg): formats are literals
  return buf;
}

// Right-aligns `s` in `width` columns, counting UTF-8 characters (so "µs" is two columns).
std::string pad_left(const std::string& s, std::size_t width);

}  // namespace pcie_bar
