#include "core/sweep.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "core/block_io.h"
#include "core/clock_stamps.h"

namespace pcie_bar {

const char* op_name(Op op) {
  switch (op) {
    case Op::kRead: return "read";
    case Op::kWrite: return "write";
    case Op::kReadWrite: return "rw";
  }
  return "?";
}

namespace {

// Untimed ops before each timed run, so page faults and cold caches stay out of the figures.
constexpr uint64_t kWarmupOps = 64;

// Memory the sweep copies from or into, starting half a page past a page boundary. BAR slots
// start at page offsets that are multiples of the block size; a buffer at the same page offset
// as the slot it is copied to can make x86 CPUs stall its loads behind unrelated pending stores
// to the slot (4K aliasing). No effect was measurable on the simulated BAR on this project's
// machine; the placement costs nothing and rules the effect out elsewhere.
class StagingBuffer {
 public:
  explicit StagingBuffer(uint64_t size) : storage_(size + kPage + kPage / 2) {
    const auto at = reinterpret_cast<uintptr_t>(storage_.data()) % kPage;
    start_ = (kPage / 2 + kPage - at) % kPage;
  }
  std::byte* data() { return storage_.data() + start_; }
  const std::byte* data() const { return storage_.data() + start_; }
  std::byte& operator[](uint64_t i) { return data()[i]; }

 private:
  static constexpr uint64_t kPage = 4096;
  std::vector<std::byte> storage_;
  uint64_t start_;
};

// Two complementary pseudo-random patterns. R+W alternates between them on every pass over
// the window, so a write that did not land reads back the previous pass's data and is caught.
struct Patterns {
  explicit Patterns(uint64_t size) : a(size), b(size), size(size) {
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (uint64_t i = 0; i < size; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      a[i] = static_cast<std::byte>(x);
      b[i] = ~a[i];
    }
  }
  StagingBuffer a, b;
  uint64_t size;
};

// Walks block-sized slots of the window, wrapping at its end, so that consecutive ops do not
// hit one cached line over and over.
class WindowWalk {
 public:
  WindowWalk(const Window& w, uint64_t block)
      : begin_(w.offset), end_(w.offset + (w.size / block) * block), block_(block), at_(begin_) {}
  uint64_t offset() const { return at_; }
  uint64_t pass() const { return pass_; }
  // Ops left before the walk wraps to the window's start.
  uint64_t ops_before_wrap() const { return (end_ - at_) / block_; }
  // `ops` at most ops_before_wrap().
  void advance(uint64_t ops = 1) {
    at_ += ops * block_;
    if (at_ == end_) at_ = begin_, ++pass_;
  }

 private:
  uint64_t begin_, end_, block_, at_;
  uint64_t pass_ = 0;
};

// R+W keeps a batch's read-backs until the batch is timed, to compare them outside the timing.
constexpr uint64_t kMaxReadbackBytes = uint64_t{64} * 1024;

// Calls f(size) with small block sizes as compile-time constants, so that an op's accesses
// unroll completely and a batch of small ops is one straight run of loads or stores per op
// (at 64 B, a loop over a run-time length costs as much again as the accesses); larger
// sizes, where the loop's cost is spread over many accesses, as a plain value.
template <typename F>
void with_block_size(uint64_t block, F&& f) {
  using std::integral_constant;
  switch (block) {
    case 1: return f(integral_constant<uint64_t, 1>{});
    case 2: return f(integral_constant<uint64_t, 2>{});
    case 4: return f(integral_constant<uint64_t, 4>{});
    case 8: return f(integral_constant<uint64_t, 8>{});
    case 16: return f(integral_constant<uint64_t, 16>{});
    case 32: return f(integral_constant<uint64_t, 32>{});
    case 64: return f(integral_constant<uint64_t, 64>{});
    case 128: return f(integral_constant<uint64_t, 128>{});
    default: return f(block);
  }
}

class SweepRunner {
 public:
  SweepRunner(Bar& bar, const Clock& clock, const DeviceSpec& spec, const std::atomic<bool>* cancel)
      : bar_(bar),
        io_(bar, spec.access.width),
        clock_(clock),
        spec_(spec),
        cancel_(cancel),
        deadline_(ticks_from_now(spec.sweep.effective_timeout())),
        budget_end_(ticks_from_now(spec.sweep.effective_budget())),
        patterns_(*std::max_element(spec.sweep.block_sizes.begin(), spec.sweep.block_sizes.end())),
        readback_(std::max<uint64_t>(patterns_.size, kMaxReadbackBytes)) {}

  OpResult run(Op op, uint64_t block, uint64_t iterations) {
    OpResult r;
    r.op = op;
    r.block_size = block;
    // Config validation rejects such blocks; this keeps any other caller inside the window.
    if (block == 0 || block > spec_.window.size) return r;
    r.iterations_planned = iterations;
    WindowWalk walk(spec_.window, block);
    r.ops_per_sample = ops_per_sample(op, block, warm_up(op, walk, block, std::min(iterations, kWarmupOps)));
    walk = WindowWalk(spec_.window, block);
    cell_over_ = false;
    for (uint64_t done = 0; done < iterations && !stopped() && !cell_over_; done += r.ops_per_sample)
      sample(op, walk, block, std::min(r.ops_per_sample, iterations - done), r);
    r.budget_limited = r.ops < iterations && cell_over_ && !stopped();
    r.bytes = r.ops * block * (op == Op::kReadWrite ? 2 : 1);
    return r;
  }

  // The next cell's share of what is left of sweep.budget, with `cells_left` cells (this one
  // included) to share it; its warm-up may take a quarter of the share.
  void plan_cell(uint64_t cells_left) {
    const uint64_t now = clock_stop(clock_);
    const uint64_t left = budget_end_ > now ? budget_end_ - now : 0;
    cell_end_ = now + left / std::max<uint64_t>(cells_left, 1);
    warm_up_end_ = now + (cell_end_ - now) / 4;
  }

  uint64_t ticks_from_now(std::chrono::milliseconds d) const {
    return clock_start(clock_) +
           static_cast<uint64_t>(std::chrono::duration<double>(d).count() / clock_.seconds_per_tick());
  }

  bool cancelled() const { return cancel_ && cancel_->load(std::memory_order_relaxed); }
  bool timed_out() const { return timed_out_; }
  // Checked after every sample: one relaxed load, one flag, one comparison.
  bool stopped() const { return cancelled() || timed_out_ || bar_.faulted(); }
  BlockIo& io() { return io_; }

 private:
  const std::byte* rw_pattern(const WindowWalk& walk) const {
    return (walk.pass() % 2 == 0 ? patterns_.b : patterns_.a).data();
  }

  // Untimed ops, so page faults and cold caches stay out of the figures. Returns an estimate
  // of one op's cost in ticks: the median over groups of kWarmupGroup ops, so that one
  // preemption during the warm-up does not make every later sample a single op. A cancel
  // stops it after the current group, as it stops the timed ops.
  uint64_t warm_up(Op op, WindowWalk& walk, uint64_t block, uint64_t n) {
    constexpr uint64_t kWarmupGroup = 8;
    std::vector<uint64_t> per_op;
    for (uint64_t done = 0; done < n && !stopped(); done += kWarmupGroup) {
      const uint64_t group = std::min(kWarmupGroup, n - done);
      const uint64_t t0 = clock_start(clock_);
      for (uint64_t i = 0; i < group; ++i, walk.advance()) {
        if (op != Op::kRead) io_.write(walk.offset(), patterns_.a.data(), block);
        if (op == Op::kRead) io_.read_and_fold(walk.offset(), block);
        if (op == Op::kReadWrite) io_.read(walk.offset(), readback_.data(), block);
      }
      const uint64_t t1 = clock_stop(clock_);
      per_op.push_back((t1 - t0) / group);
      if (t1 >= warm_up_end_) break;  // its share of the cell's time is used up
    }
    if (per_op.empty()) return 0;
    std::nth_element(per_op.begin(), per_op.begin() + per_op.size() / 2, per_op.end());
    return per_op[per_op.size() / 2];
  }

  // One op per sample, or for ops under kBatchOpsUnderClockPairs, enough that a sample lasts
  // kBatchClockPairs.
  uint64_t ops_per_sample(Op op, uint64_t block, uint64_t ticks_per_op) const {
    const uint64_t pair = clock_.overhead_ticks();
    if (ticks_per_op >= kBatchOpsUnderClockPairs * pair) return 1;
    uint64_t n = kBatchClockPairs * pair / std::max<uint64_t>(ticks_per_op, 1) + 1;
    if (op == Op::kReadWrite) n = std::min(n, kMaxReadbackBytes / block);
    return std::clamp<uint64_t>(n, 1, kMaxOpsPerSample);
  }

  // `n` consecutive ops timed as one sample; each is recorded as the sample's mean, after the
  // clock pair's own cost is taken off.
  void sample(Op op, WindowWalk& walk, uint64_t block, uint64_t n, OpResult& r) {
    io_.visit(block,
              [&](auto io) { with_block_size(block, [&](auto size) { sample_with(io, op, walk, size, n, r); }); });
  }

  // Calls f(i, offset) for ops 0..n-1 along the walk, in runs that stop at the window's end:
  // the per-op loop tests one bound, and the wrap is tested once per run. (With a wrap test per
  // op, 64-byte READs reported 80 % of the bare loop's throughput on an AMD EPYC; 99-109 % now.)
  template <typename Size, typename F>
  static void for_each_op(WindowWalk& walk, Size block, uint64_t n, F&& f) {
    for (uint64_t i = 0; i < n;) {
      const uint64_t run = std::min(n - i, walk.ops_before_wrap());
      uint64_t at = walk.offset();
      for (const uint64_t end = i + run; i < end; ++i, at += block) f(i, at);
      walk.advance(run);
    }
  }

  // `io` by value: a local mover's mapping pointer stays in a register, where a referenced
  // one would be reloaded after every volatile store.
  template <typename Io, typename Size>
  void sample_with(Io io, Op op, WindowWalk& walk_to_advance, Size block, uint64_t n, OpResult& r) {
    const std::byte* written[kMaxOpsPerSample];
    uint64_t folds[kMaxOpsPerSample];
    // Locals, not members: the compiler must assume a volatile store may change any uint64_t
    // in memory, so a member would be reloaded after every access of the op.
    WindowWalk walk = walk_to_advance;
    const std::byte* pattern = patterns_.a.data();
    std::byte* readback = readback_.data();
    // One loop per op, so that nothing but the op and the walk runs between the stamps.
    const uint64_t t0 = clock_start(clock_);
    switch (op) {
      case Op::kRead:
        // Each op's fold is kept and checked after the stop stamp: a store is one micro-op,
        // where counting all-ones reads here cost a compare, a set, a widen and an add per op.
        for_each_op(walk, block, n, [&](uint64_t i, uint64_t at) { folds[i] = io.read_and_fold(at, block); });
        break;
      case Op::kWrite: for_each_op(walk, block, n, [&](uint64_t, uint64_t at) { io.write(at, pattern, block); }); break;
      case Op::kReadWrite:
        for_each_op(walk, block, n, [&](uint64_t i, uint64_t at) {
          written[i] = rw_pattern(walk);
          io.write(at, written[i], block);
          io.read(at, readback + i * block, block);
        });
        break;
    }
    const uint64_t t1 = clock_stop(clock_);
    walk_to_advance = walk;
    const uint64_t overhead = clock_.overhead_ticks();
    r.latency.record_mean(t1 - t0 > overhead ? (t1 - t0 - overhead) * kLatencyUnitsPerTick : 0, n);
    if (t1 > deadline_) timed_out_ = true;
    if (t1 >= cell_end_) cell_over_ = true;
    r.ops += n;
    ++r.samples;
    if (op == Op::kRead) r.all_ones_reads += static_cast<uint64_t>(std::count(folds, folds + n, ~uint64_t{0}));
    if (op == Op::kReadWrite) check_readbacks(written, n, block, r);
  }

  void check_readbacks(const std::byte* const* written, uint64_t n, uint64_t block, OpResult& r) const {
    for (uint64_t i = 0; i < n; ++i) {
      const std::byte* got = readback_.data() + i * block;
      if (std::memcmp(got, written[i], block) == 0) continue;
      ++r.mismatches;
      if (std::all_of(got, got + block, [](std::byte b) { return b == std::byte{0xff}; })) ++r.all_ones_reads;
    }
  }

  Bar& bar_;
  BlockIo io_;
  const Clock& clock_;
  const DeviceSpec& spec_;
  const std::atomic<bool>* cancel_;
  uint64_t deadline_;               // clock ticks
  uint64_t budget_end_;             // clock ticks: when sweep.budget is used up
  uint64_t cell_end_ = UINT64_MAX;  // clock ticks: when the current cell's share is used up
  uint64_t warm_up_end_ = UINT64_MAX;
  bool cell_over_ = false;
  bool timed_out_ = false;
  Patterns patterns_;
  StagingBuffer readback_;
};

// Bytes over the time inside timed ops.
double throughput_of(const OpResult& r, double seconds_per_unit) {
  const double seconds = r.latency.sum() * seconds_per_unit;
  return seconds > 0 ? static_cast<double>(r.bytes) / seconds : 0;
}

// A cell's next repetition, added to what the earlier ones measured.
void merge_repetition(OpResult& into, const OpResult& r) {
  into.ops += r.ops;
  into.bytes += r.bytes;
  into.mismatches += r.mismatches;
  into.all_ones_reads += r.all_ones_reads;
  into.samples += r.samples;
  into.iterations_planned += r.iterations_planned;
  into.budget_limited |= r.budget_limited;
  into.latency.merge(r.latency);
  into.repetition_throughputs.insert(into.repetition_throughputs.end(), r.repetition_throughputs.begin(),
                                     r.repetition_throughputs.end());
}

}  // namespace

SweepResult run_sweep(Bar& bar, const Clock& clock, const DeviceSpec& spec, const std::atomic<bool>* cancel) {
  const uint64_t t_begin = Clock::monotonic_ns();
  SweepResult result;
  result.seconds_per_unit = clock.seconds_per_tick() / kLatencyUnitsPerTick;
  result.writes_skipped = !spec.writes.enabled;
  SweepRunner runner(bar, clock, spec, cancel);

  // First touch of every page of the window, outside any timing.
  runner.io().read_and_fold(spec.window.offset, spec.window.size);

  std::vector<std::byte> saved;
  if (spec.writes.enabled && spec.writes.restore) {
    saved.resize(spec.window.size);
    runner.io().read(spec.window.offset, saved.data(), saved.size());
  }
  auto restore = [&] {
    if (saved.empty()) return;
    runner.io().write(spec.window.offset, saved.data(), saved.size());
    result.window_restored = true;
  };
  const Iterations& n = spec.sweep.iterations;
  const unsigned repetitions = std::max(1u, spec.sweep.repetitions);
  uint64_t cells_left = repetitions * spec.sweep.block_sizes.size() * (spec.writes.enabled ? 3 : 1);
  std::size_t cell = 0;  // of the current repetition
  auto run_cell = [&](Op op, uint64_t block, uint64_t iterations) {
    runner.plan_cell(cells_left--);
    OpResult r = runner.run(op, block, iterations);
    if (repetitions > 1) r.repetition_throughputs.push_back(throughput_of(r, result.seconds_per_unit));
    if (cell < result.results.size())
      merge_repetition(result.results[cell], r);
    else
      result.results.push_back(std::move(r));
    ++cell;
  };
  try {
    for (unsigned repetition = 0; repetition < repetitions && !runner.stopped(); ++repetition, cell = 0) {
      for (uint64_t block : spec.sweep.block_sizes) {
        if (runner.stopped()) break;
        run_cell(Op::kRead, block, n.read);
        if (!spec.writes.enabled) continue;
        run_cell(Op::kWrite, block, n.write);
        run_cell(Op::kReadWrite, block, n.rw);
      }
    }
  } catch (const DeviceError&) {
    try {
      restore();  // best effort: the device failed, but the window may still be writable
    } catch (const DeviceError&) {
    }
    throw;
  }
  restore();
  if (bar.faulted())
    throw DeviceError(
        "an access to the BAR raised SIGBUS: the device was removed or its memory went away; "
        "the run was abandoned",
        ErrorReason::kBusError);
  if (runner.timed_out())
    throw DeviceError("the run took longer than sweep.timeout (" +
                          std::to_string(std::chrono::duration<double>(spec.sweep.effective_timeout()).count()) +
                          " s) and was cut short",
                      ErrorReason::kTimeout);
  result.cancelled = runner.cancelled();
  result.wall_seconds = static_cast<double>(Clock::monotonic_ns() - t_begin) * 1e-9;
  return result;
}

}  // namespace pcie_bar
