// What timing adds to every op: the clock pair and the histogram record.
#include <benchmark/benchmark.h>

#include "core/clock.h"
#include "core/clock_stamps.h"
#include "core/histogram.h"

namespace pcie_bar {
namespace {

void BM_ClockStartStop(benchmark::State& state) {
  const Clock c = Clock::calibrate(state.range(0) != 0);
  for (auto _ : state) {
    uint64_t t0 = clock_start(c);
    benchmark::DoNotOptimize(clock_stop(c) - t0);
  }
  state.SetLabel(c.source_name());
}
BENCHMARK(BM_ClockStartStop)->Arg(1)->Arg(0)->ArgName("tsc");

void BM_HistogramRecord(benchmark::State& state) {
  Histogram h;
  uint64_t v = 12345;
  for (auto _ : state) {
    h.record(v);
    v = (v * 6364136223846793005ULL + 1442695040888963407ULL) >> 40;
  }
  benchmark::DoNotOptimize(h.count());
}
BENCHMARK(BM_HistogramRecord);

}  // namespace
}  // namespace pcie_bar
