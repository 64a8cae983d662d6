#pragma once
// The sweep's clock, as calibrated: which source it reads, its tick length, the cost of one
// start/stop pair and, when it is not the TSC, why not. On x86-64 with an invariant TSC the
// sweep reads the time-stamp counter (about 10 ns per start/stop pair on bare metal, 30-40 ns
// in some VMs), calibrated against CLOCK_MONOTONIC; otherwise it falls back to clock_gettime
// and says why. The pair's cost is measured, so the sweep can subtract it and a report can
// show it.
//
// Plain data and no intrinsics: this header reaches every report and service file. The stamps
// themselves (rdtsc, fences) are in core/clock_stamps.h, which only core's measuring code
// includes.

#include <cstdint>
#include <ctime>
#include <string>

namespace pcie_bar {

class Clock {
 public:
  enum class Source { kTsc, kMonotonic };

  // Picks the TSC when usable (and allowed), calibrates it, and measures the clock's overhead.
  static Clock calibrate(bool allow_tsc = true);

  double seconds_per_tick() const { return seconds_per_tick_; }
  double to_seconds(uint64_t ticks) const { return static_cast<double>(ticks) * seconds_per_tick_; }
  Source source() const { return source_; }
  const char* source_name() const { return source_ == Source::kTsc ? "tsc" : "clock_monotonic"; }
  // Empty with the TSC; otherwise why the TSC was not used.
  const std::string& fallback_reason() const { return fallback_reason_; }
  // Median cost of one start/stop pair around nothing: what timing adds to every sample.
  uint64_t overhead_ticks() const { return overhead_ticks_; }
  double overhead_seconds() const { return to_seconds(overhead_ticks_); }

  static uint64_t monotonic_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
  }

 private:
  Clock(Source source, double seconds_per_tick, std::string fallback_reason)
      : source_(source), seconds_per_tick_(seconds_per_tick), fallback_reason_(std::move(fallback_reason)) {}
  void measure_overhead();

  Source source_;
  double seconds_per_tick_;
  std::string fallback_reason_;
  uint64_t overhead_ticks_ = 0;
};

// Why the TSC cannot be used on this CPU, or empty when it can.
std::string tsc_unusable_reason();

}  // namespace pcie_bar
