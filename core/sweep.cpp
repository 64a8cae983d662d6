#include "core/sweep.h"

#include <algorithm>
#include <cstring>

#include "core/block_io.h"

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

// Two complementary pseudo-random patterns. R+W alternates between them on every pass over
// the window, so a write that did not land reads back the previous pass's data and is caught.
struct Patterns {
  explicit Patterns(uint64_t size) : a(size), b(size) {
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (uint64_t i = 0; i < size; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      a[i] = static_cast<std::byte>(x);
      b[i] = ~a[i];
    }
  }
  std::vector<std::byte> a, b;
};

// Walks block-sized slots of the window, wrapping at its end, so that consecutive ops do not
// hit one cached line over and over.
class WindowWalk {
 public:
  WindowWalk(const Window& w, uint64_t block)
      : begin_(w.offset), end_(w.offset + (w.size / block) * block), block_(block), at_(begin_) {}
  uint64_t offset() const { return at_; }
  uint64_t pass() const { return pass_; }
  void advance() {
    at_ += block_;
    if (at_ == end_) at_ = begin_, ++pass_;
  }

 private:
  uint64_t begin_, end_, block_, at_;
  uint64_t pass_ = 0;
};

class SweepRunner {
 public:
  SweepRunner(Bar& bar, const Clock& clock, const DeviceSpec& spec, const std::atomic<bool>* cancel)
      : bar_(bar), io_(bar, spec.access.width), clock_(clock), spec_(spec), cancel_(cancel),
        deadline_(clock.start() + static_cast<uint64_t>(std::chrono::duration<double>(
                                      spec.sweep.effective_timeout()).count() / clock.seconds_per_tick())),
        patterns_(*std::max_element(spec.sweep.block_sizes.begin(), spec.sweep.block_sizes.end())),
        readback_(patterns_.a.size()) {}

  OpResult run(Op op, uint64_t block, uint64_t iterations) {
    OpResult r;
    r.op = op;
    r.block_size = block;
    WindowWalk walk(spec_.window, block);
    for (uint64_t i = 0; i < std::min(iterations, kWarmupOps); ++i) untimed(op, walk, block);
    walk = WindowWalk(spec_.window, block);
    for (uint64_t i = 0; i < iterations && !stopped(); ++i) {
      timed(op, walk, block, r);
      walk.advance();
    }
    r.bytes = r.ops * block * (op == Op::kReadWrite ? 2 : 1);
    return r;
  }

  bool cancelled() const { return cancel_ && cancel_->load(std::memory_order_relaxed); }
  bool timed_out() const { return timed_out_; }
  // Checked after every op: one relaxed load, one flag, one comparison.
  bool stopped() const { return cancelled() || timed_out_ || bar_.faulted(); }
  BlockIo& io() { return io_; }

 private:
  const std::byte* rw_pattern(const WindowWalk& walk) const {
    return (walk.pass() % 2 == 0 ? patterns_.b : patterns_.a).data();
  }

  void untimed(Op op, WindowWalk& walk, uint64_t block) {
    if (op == Op::kRead) io_.read_and_fold(walk.offset(), block);
    else io_.write(walk.offset(), patterns_.a.data(), block);
    walk.advance();
  }

  void timed(Op op, const WindowWalk& walk, uint64_t block, OpResult& r) {
    const uint64_t off = walk.offset();
    switch (op) {
      case Op::kRead: {
        uint64_t t0 = clock_.start();
        uint64_t folded = io_.read_and_fold(off, block);
        record(r, t0, clock_.stop());
        if (folded == ~uint64_t{0}) ++r.all_ones_reads;
        break;
      }
      case Op::kWrite: {
        uint64_t t0 = clock_.start();
        io_.write(off, patterns_.a.data(), block);
        record(r, t0, clock_.stop());
        break;
      }
      case Op::kReadWrite: {
        const std::byte* pattern = rw_pattern(walk);
        uint64_t t0 = clock_.start();
        io_.write(off, pattern, block);
        io_.read(off, readback_.data(), block);
        record(r, t0, clock_.stop());
        if (std::memcmp(readback_.data(), pattern, block) != 0) {
          ++r.mismatches;
          const std::byte* begin = readback_.data();
          const std::byte* end = begin + block;
          if (std::find_if(begin, end, [](std::byte b) { return b != std::byte{0xff}; }) == end)
            ++r.all_ones_reads;
        }
        break;
      }
    }
    ++r.ops;
  }

  void record(OpResult& r, uint64_t t0, uint64_t t1) {
    r.latency.record(t1 - t0);
    if (t1 > deadline_) timed_out_ = true;
  }

  Bar& bar_;
  BlockIo io_;
  const Clock& clock_;
  const DeviceSpec& spec_;
  const std::atomic<bool>* cancel_;
  uint64_t deadline_;  // clock ticks
  bool timed_out_ = false;
  Patterns patterns_;
  std::vector<std::byte> readback_;
};

}  // namespace

SweepResult run_sweep(Bar& bar, const Clock& clock, const DeviceSpec& spec,
                      const std::atomic<bool>* cancel) {
  const uint64_t t_begin = Clock::monotonic_ns();
  SweepResult result;
  result.seconds_per_tick = clock.seconds_per_tick();
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
  try {
    for (uint64_t block : spec.sweep.block_sizes) {
      if (runner.stopped()) break;
      result.results.push_back(runner.run(Op::kRead, block, n.read));
      if (!spec.writes.enabled) continue;
      result.results.push_back(runner.run(Op::kWrite, block, n.write));
      result.results.push_back(runner.run(Op::kReadWrite, block, n.rw));
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
    throw DeviceError("an access to the BAR raised SIGBUS: the device was removed or its memory went away; "
                      "the run was abandoned", "bus_error");
  if (runner.timed_out())
    throw DeviceError("the run took longer than sweep.timeout (" +
                          std::to_string(std::chrono::duration<double>(spec.sweep.effective_timeout()).count()) +
                          " s) and was cut short", "timeout");
  result.cancelled = runner.cancelled();
  result.wall_seconds = static_cast<double>(Clock::monotonic_ns() - t_begin) * 1e-9;
  return result;
}

}  // namespace pcie_bar
