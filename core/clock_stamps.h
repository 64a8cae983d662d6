#pragma once
// Start and stop stamps of a calibrated Clock, in its ticks: the only part of the clock that
// needs <x86intrin.h> (rdtsc, rdtscp, lfence). Included by core's measuring code only (the
// sweep and the calibration), so the intrinsics do not reach the exporter, whose report and
// service files see just the calibration (core/clock.h).

#include <cstdint>

#include "core/clock.h"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace pcie_bar {

// The fences keep the timed accesses between the stamps.
inline uint64_t clock_start(const Clock& clock) {
#if defined(__x86_64__)
  if (clock.source() == Clock::Source::kTsc) {
    _mm_lfence();
    uint64_t t = __rdtsc();
    _mm_lfence();
    return t;
  }
#endif
  return Clock::monotonic_ns();
}

inline uint64_t clock_stop(const Clock& clock) {
#if defined(__x86_64__)
  if (clock.source() == Clock::Source::kTsc) {
    unsigned aux;
    uint64_t t = __rdtscp(&aux);
    _mm_lfence();
    return t;
  }
#endif
  return Clock::monotonic_ns();
}

}  // namespace pcie_bar
