#include "core/clock.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/clock_stamps.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace pcie_bar {

std::string tsc_unusable_reason() {
#if defined(__x86_64__)
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx)) return "CPUID leaf 0x80000007 is absent";
  if (!(edx & (1u << 8))) return "the CPU does not report an invariant TSC";
  if (!__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx) || !(edx & (1u << 27)))
    return "the CPU has no RDTSCP instruction";
  return "";
#else
  return "not an x86-64 CPU";
#endif
}

namespace {

#if defined(__x86_64__)
// TSC ticks per second, from a busy wait of `ns` nanoseconds against CLOCK_MONOTONIC.
double tsc_hz_over(uint64_t ns) {
  uint64_t t0 = Clock::monotonic_ns();
  uint64_t c0 = __rdtsc();
  uint64_t t1;
  do {
    t1 = Clock::monotonic_ns();
  } while (t1 - t0 < ns);
  uint64_t c1 = __rdtsc();
  return static_cast<double>(c1 - c0) * 1e9 / static_cast<double>(t1 - t0);
}
#endif

}  // namespace

Clock Clock::calibrate(bool allow_tsc) {
  std::string reason = allow_tsc ? tsc_unusable_reason() : "the TSC was disabled by the caller";
#if defined(__x86_64__)
  if (reason.empty()) {
    // Two short windows must agree; a migration or a stopped VM between them would not.
    double a = tsc_hz_over(5'000'000), b = tsc_hz_over(5'000'000);
    if (std::fabs(a - b) / b < 0.01) {
      Clock c(Source::kTsc, 1.0 / ((a + b) / 2), "");
      c.measure_overhead();
      return c;
    }
    reason = "the TSC rate was unstable during calibration";
  }
#endif
  Clock c(Source::kMonotonic, 1e-9, reason);
  c.measure_overhead();
  return c;
}

void Clock::measure_overhead() {
  constexpr int kSamples = 2001;
  std::vector<uint64_t> d(kSamples);
  for (auto& x : d) {
    uint64_t t0 = clock_start(*this);
    x = clock_stop(*this) - t0;
  }
  std::nth_element(d.begin(), d.begin() + kSamples / 2, d.end());
  overhead_ticks_ = d[kSamples / 2];
}

}  // namespace pcie_bar
