// Loop fidelity: the throughput the sweep reports (from its latency histogram) against bare
// loops of volatile 8-byte loads/stores over the same simulated BAR, in one run. The sweep's
// median op latency minus the bare loop's time per op is what timing adds to an op.
#include <benchmark/benchmark.h>

#include "core/block_io.h"
#include "core/mmio.h"
#include "core/sim_bar.h"
#include "core/stats.h"
#include "core/sweep.h"

namespace pcie_bar {
namespace {

constexpr uint64_t kWindow = 16 * 1024;

SimBar& shared_bar() {
  static auto bar = SimBar::open(SimSpec{}, AccessMethod::kMmap);
  return *bar;
}

const Clock& shared_clock() {
  static const Clock c = Clock::calibrate();
  return c;
}

// The bare loops walk the window block by block, as the sweep does.
void BM_BareLoad(benchmark::State& state) {
  const uint64_t block = static_cast<uint64_t>(state.range(0));
  volatile std::byte* base = shared_bar().mapping();
  uint64_t off = 0;
  for (auto _ : state) {
    // Each volatile load happens and its value is dropped: the cheapest loop of loads there is.
    for (uint64_t i = 0; i < block; i += 8) (void)mmio::load<uint64_t>(base, off + i);
    off = (off + block) % kWindow;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * block));
}

// Stores pseudo-random words, as the sweep does: on some CPUs the values stored change the
// store rate (storing a loop counter runs up to twice as fast here), so the data must match.
void BM_BareStore(benchmark::State& state) {
  const uint64_t block = static_cast<uint64_t>(state.range(0));
  volatile std::byte* base = shared_bar().mapping();
  std::vector<uint64_t> words(block / 8);
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (auto& w : words) x ^= x << 13, x ^= x >> 7, x ^= x << 17, w = x;
  uint64_t off = 0;
  for (auto _ : state) {
    for (uint64_t i = 0; i < block; i += 8) mmio::store<uint64_t>(base, off + i, words[i / 8]);
    off = (off + block) % kWindow;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * block));
}

// One sweep of one op and block size per benchmark iteration; the counter is the throughput
// the sweep itself reports (what --once prints and /metrics exports).
void sweep_throughput(benchmark::State& state, bool write) {
  DeviceSpec d;
  d.sweep.block_sizes = {static_cast<uint64_t>(state.range(0))};
  d.sweep.iterations = {write ? 1u : 10000u, write ? 10000u : 1u, 1};
  d.writes.restore = false;
  double bytes = 0, seconds = 0, median_sum = 0;
  for (auto _ : state) {
    SweepResult r = run_sweep(shared_bar(), shared_clock(), d);
    const OpResult& o = r.results[write ? 1 : 0];
    const OpStats s = op_stats(o, r.seconds_per_tick);
    bytes += static_cast<double>(o.bytes);
    seconds += s.seconds;
    median_sum += s.latency.p50;
  }
  state.counters["reported_bytes_per_second"] = bytes / seconds;
  state.counters["median_op_seconds"] = median_sum / static_cast<double>(state.iterations());
}

void BM_SweepRead(benchmark::State& state) { sweep_throughput(state, false); }
void BM_SweepWrite(benchmark::State& state) { sweep_throughput(state, true); }

BENCHMARK(BM_BareLoad)->Arg(64)->Arg(4096);
BENCHMARK(BM_SweepRead)->Arg(64)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BareStore)->Arg(64)->Arg(4096);
BENCHMARK(BM_SweepWrite)->Arg(64)->Arg(4096)->Unit(benchmark::kMillisecond);

// The block mover alone, per width: what each access costs without the clock.
void BM_BlockIoReadFold(benchmark::State& state) {
  BlockIo io(shared_bar(), static_cast<unsigned>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(io.read_and_fold(0, 4096));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * 4096));
}
BENCHMARK(BM_BlockIoReadFold)->Arg(1)->Arg(2)->Arg(4)->Arg(8);

}  // namespace
}  // namespace pcie_bar
