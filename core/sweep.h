#pragma once
// The BAR sweep: for every block size, READ, WRITE and R+W inside the window, timed into a
// latency histogram. Ops are timed one by one, except ops so short that the clock's own cost
// would swamp them (under kBatchOpsUnderClockPairs clock pairs): those are timed in batches,
// each op recorded as its batch's mean. The clock pair's measured cost is subtracted from
// every sample.

#include <atomic>
#include <cstdint>
#include <vector>

#include "core/bar.h"
#include "core/clock.h"
#include "core/device_spec.h"
#include "core/histogram.h"
#include "core/op.h"

namespace pcie_bar {

// Ops shorter than this many clock pairs are timed in batches (one sample of several ops), so
// that the pair's cost, and the error of subtracting it, stay small next to what a sample
// measures. A device's non-posted read (0.5-2 us) stays over it on bare metal, where a pair
// costs 10-15 ns, so its latency distribution is measured op by op.
inline constexpr uint64_t kBatchOpsUnderClockPairs = 32;
// A batch lasts at least this many clock pairs. The stamps' fences interact with the accesses
// in flight around them, a cost the pair measured around nothing does not show and whose sign
// varies: with 32-pair batches, 4 KiB READs on the simulated BAR reported from 87 % to 157 % of
// a bare loop's throughput from run to run; with 128-pair batches, 91-97 % (bench/).
inline constexpr uint64_t kBatchClockPairs = 128;
// Latency values are kept in 1/64ths of a clock tick: a batched op can take well under one
// tick (a 1-byte load from host memory, 0.1 ns, on a CPU whose TSC ticks every 0.3 ns), and
// whole ticks would round it to 0 and put the minimum above the mean.
inline constexpr uint64_t kLatencyUnitsPerTick = 64;
// A batch holds at most this many ops. 256 ops of 0.1 ns last about one clock pair (30 ns),
// too short to time against the pair's own jitter; 2048 last several pairs.
inline constexpr uint64_t kMaxOpsPerSample = 2048;

struct OpResult {
  Op op = Op::kRead;
  uint64_t block_size = 0;
  uint64_t ops = 0;
  // Bytes moved over the link: R+W counts both the write and the read-back.
  uint64_t bytes = 0;
  // R+W ops whose read-back differed from what was written.
  uint64_t mismatches = 0;
  // READ ops, and R+W read-backs, whose every byte was 0xff (a vanished or disabled device
  // reads so).
  uint64_t all_ones_reads = 0;
  // Per-op latency in 1/kLatencyUnitsPerTick clock ticks; its sum is the time spent inside
  // timed ops.
  Histogram latency;
  // Ops timed together in one sample (1: every op timed on its own).
  uint64_t ops_per_sample = 1;
  uint64_t samples = 0;  // timed samples (a sample holds ops_per_sample ops, the last maybe fewer)
  // With sweep.repetitions above 1: this cell's throughput in each repetition, in run order.
  std::vector<double> repetition_throughputs;
  // sweep.iterations for this op: an upper bound, which sweep.budget may cut.
  uint64_t iterations_planned = 0;
  bool budget_limited = false;  // fewer ops than planned because the cell's share of the budget ran out
  // Too few ops for a figure to trust (a median's 95 % confidence interval needs about 30).
  bool underpowered() const { return ops < kUsefulOps; }
  static constexpr uint64_t kUsefulOps = 30;
};

struct SweepResult {
  std::vector<OpResult> results;  // ordered by block size, then read, write, rw
  double seconds_per_unit = 0;    // converts OpResult::latency values to seconds
  bool writes_skipped = false;    // WRITE and R+W not run because writes are disabled
  bool window_restored = false;   // the window was saved before writing and written back
  bool cancelled = false;         // stopped early through the cancel flag
  double wall_seconds = 0;
};

// Runs the sweep described by spec.window, spec.access, spec.writes and spec.sweep. When
// `cancel` becomes true the sweep stops after the current op (and still restores the window).
// Throws DeviceError when an access fails (reason io), the BAR faults (bus_error: SIGBUS, the
// device went away) or the sweep outlasts spec.sweep.effective_timeout() (timeout).
SweepResult run_sweep(Bar& bar, const Clock& clock, const DeviceSpec& spec, const std::atomic<bool>* cancel = nullptr);

}  // namespace pcie_bar
