#pragma once
// The sweep's clock. On x86-64 with an invariant TSC it reads the time-stamp counter (about
// 10 ns per start/stop pair on bare metal, 30-40 ns in some VMs), calibrated against
// CLOCK_MONOTONIC; otherwise it falls back to clock_gettime and says why. The cost of a
// start/stop pair is measured, so the sweep can subtract it and a report can show it.

#include <cstdint>
#include <ctime>
#include <string>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace pcie_bar {

class Clock {
 public:
  enum class Source { kTsc, kMonotonic };

  // Picks the TSC when usable (and allowed), calibrates it, and measures the clock's overhead.
  static Clock calibrate(bool allow_tsc = true);

  // Start and stop stamps, in ticks. The fences keep the timed accesses between the stamps.
  uint64_t start() const {
#if defined(__x86_64__)
    if (source_ == Source::kTsc) {
      _mm_lfence();
      uint64_t t = __rdtsc();
      _mm_lfence();
      return t;
    }
#endif
    return monotonic_ns();
  }
  uint64_t stop() const {
#if defined(__x86_64__)
    if (source_ == Source::kTsc) {
      unsigned aux;
      uint64_t t = __rdtscp(&aux);
      _mm_lfence();
      return t;
    }
#endif
    return monotonic_ns();
  }

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
      : source_(source), seconds_per_tick_(seconds_per_tick),
        fallback_reason_(std::move(fallback_reason)) {}
  void measure_overhead();

  Source source_;
  double seconds_per_tick_;
  std::string fallback_reason_;
  uint64_t overhead_ticks_ = 0;
};

// Why the TSC cannot be used on this CPU, or empty when it can.
std::string tsc_unusable_reason();

}  // namespace pcie_bar
