// Loop fidelity: the throughput the sweep reports (from its latency histogram) against bare
// loops of volatile 8-byte loads/stores over the same simulated BAR, in paired rounds. The
// sweep's median op latency minus the bare loop's time per op is what timing adds to an op.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

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

// The bare loops walk the window block by block, as the sweep does. Each runs `n` ops and
// returns its time per op.
double bare_load_seconds_per_op(uint64_t block, uint64_t n) {
  volatile std::byte* base = shared_bar().mapping();
  uint64_t off = 0;
  const uint64_t t0 = Clock::monotonic_ns();
  for (uint64_t k = 0; k < n; ++k, off = (off + block) % kWindow) {
    // Each volatile load happens and its value is dropped: the cheapest loop of loads there is,
    // four per iteration (with one, the loop's branch caps the rate) and one pointer compare.
    const volatile std::byte* end = base + off + block;
    for (const volatile std::byte* p = base + off; p != end; p += 32) {
      (void)mmio::load<uint64_t>(p, 0);
      (void)mmio::load<uint64_t>(p, 8);
      (void)mmio::load<uint64_t>(p, 16);
      (void)mmio::load<uint64_t>(p, 24);
    }
  }
  return static_cast<double>(Clock::monotonic_ns() - t0) * 1e-9 / static_cast<double>(n);
}

// Stores pseudo-random words, as the sweep does: on some CPUs the values stored change the
// store rate (storing a loop counter runs up to twice as fast here), so the data must match.
double bare_store_seconds_per_op(uint64_t block, uint64_t n) {
  static const std::vector<uint64_t> words = [] {
    std::vector<uint64_t> w(4096 / 8);
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (auto& v : w) x ^= x << 13, x ^= x >> 7, x ^= x << 17, v = x;
    return w;
  }();
  volatile std::byte* base = shared_bar().mapping();
  const uint64_t* src = words.data();
  uint64_t off = 0;
  const uint64_t t0 = Clock::monotonic_ns();
  for (uint64_t k = 0; k < n; ++k, off = (off + block) % kWindow)
    for (uint64_t i = 0; i < block; i += 32) {  // four per iteration, as the loads
      mmio::store<uint64_t>(base, off + i, src[i / 8]);
      mmio::store<uint64_t>(base, off + i + 8, src[i / 8 + 1]);
      mmio::store<uint64_t>(base, off + i + 16, src[i / 8 + 2]);
      mmio::store<uint64_t>(base, off + i + 24, src[i / 8 + 3]);
    }
  return static_cast<double>(Clock::monotonic_ns() - t0) * 1e-9 / static_cast<double>(n);
}

// One sweep of `n` ops of one kind and block size, as --once runs it: the throughput it
// reports (what --once prints and /metrics exports) and its median op latency.
OpStats sweep_op(Op op, uint64_t block, uint64_t n) {
  DeviceSpec d;
  d.sweep.block_sizes = {block};
  d.sweep.iterations = {op == Op::kRead ? n : 1, op == Op::kWrite ? n : 1, 1};
  d.writes.restore = false;
  const SweepResult r = run_sweep(shared_bar(), shared_clock(), d);
  return op_stats(r.results[op == Op::kRead ? 0 : 1], r.seconds_per_unit);
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Paired rounds: each benchmark iteration runs the bare loop and the sweep over the same
// window back to back, in alternating order, and compares them. This shared VM's speed drifts
// by 2x from one minute to the next; within a round (under 10 ms) it barely moves, so the
// round's ratio is the tool's own cost and not the machine's mood. Counters are medians over
// rounds: `fidelity` (reported / bare throughput) and `timing_added_seconds` (the sweep's
// median op latency minus the bare loop's time per op: what timing adds to an op).
void paired_rounds(benchmark::State& state, Op op) {
  constexpr uint64_t kOps = 10000;  // the default sweep's count for READ and WRITE
  const uint64_t block = static_cast<uint64_t>(state.range(0));
  auto bare = [&] {
    return op == Op::kRead ? bare_load_seconds_per_op(block, kOps) : bare_store_seconds_per_op(block, kOps);
  };
  std::vector<double> fidelity, added, reported, baseline;
  bool bare_first = true;
  for (auto _ : state) {
    double bare_s = 0;
    if (bare_first) bare_s = bare();
    const OpStats s = sweep_op(op, block, kOps);
    if (!bare_first) bare_s = bare();
    bare_first = !bare_first;
    const double bare_bps = static_cast<double>(block) / bare_s;
    fidelity.push_back(s.throughput_bytes_per_second / bare_bps);
    added.push_back(s.latency.p50 - bare_s);
    reported.push_back(s.throughput_bytes_per_second);
    baseline.push_back(bare_bps);
  }
  state.counters["fidelity"] = median(fidelity);
  state.counters["timing_added_seconds"] = median(added);
  state.counters["reported_bytes_per_second"] = median(reported);
  state.counters["bare_bytes_per_second"] = median(baseline);
}

void BM_PairedRead(benchmark::State& state) { paired_rounds(state, Op::kRead); }
void BM_PairedWrite(benchmark::State& state) { paired_rounds(state, Op::kWrite); }
BENCHMARK(BM_PairedRead)->Arg(64)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PairedWrite)->Arg(64)->Arg(4096)->Unit(benchmark::kMillisecond);

// The block mover alone, per width: what each access costs without the clock.
void BM_BlockIoReadFold(benchmark::State& state) {
  BlockIo io(shared_bar(), static_cast<unsigned>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(io.read_and_fold(0, 4096));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * 4096));
}
BENCHMARK(BM_BlockIoReadFold)->Arg(1)->Arg(2)->Arg(4)->Arg(8);

}  // namespace
}  // namespace pcie_bar
