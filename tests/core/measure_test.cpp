#include "core/measure.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "tests/support/fake_bar.h"
#include "tests/support/guarded_bar.h"

namespace pcie_bar {
namespace {

TEST(Measure, DefaultSimDeviceRunsProbesAndTheFullSweep) {
  DeviceSpec d;
  d.sweep.iterations = {100, 100, 50};
  DeviceRun run = measure_device(d, Clock::calibrate());
  EXPECT_TRUE(run.opened);
  EXPECT_TRUE(run.error.empty()) << run.error;
  EXPECT_EQ(run.bar.size, 65536u);
  ASSERT_EQ(run.verify.size(), 2u);
  EXPECT_TRUE(run.verify[0].ok());
  EXPECT_TRUE(run.verify[1].ok());
  EXPECT_EQ(run.sweep.results.size(), 13u * 3);
  EXPECT_FALSE(run.failed_checks());
}

TEST(Measure, ARunIsPinnedToOneAllowedCpuAndTheThreadIsFreedAfterwards) {
  const std::vector<int> allowed = allowed_cpus();
  DeviceSpec d;
  d.sweep.block_sizes = {8};
  d.sweep.iterations = {10, 10, 10};
  DeviceRun pinned = measure_device(d, Clock::calibrate());
  EXPECT_NE(std::find(allowed.begin(), allowed.end(), pinned.timing_cpu.cpu), allowed.end()) << pinned.timing_cpu.cpu;
  EXPECT_EQ(allowed_cpus(), allowed);
  d.sweep.cpu.mode = CpuSetting::Mode::kNone;
  EXPECT_EQ(measure_device(d, Clock::calibrate()).timing_cpu.cpu, -1);
}

TEST(Measure, AnUnopenableDeviceIsReportedNotThrown) {
  DeviceSpec d;
  d.sim.path = "/nonexistent-dir/bar";
  DeviceRun run = measure_device(d, Clock::calibrate());
  EXPECT_FALSE(run.opened);
  EXPECT_NE(run.error.find("/nonexistent-dir/bar"), std::string::npos);
}

TEST(Measure, ASpecThatDoesNotFitTheOpenedBarIsAnError) {
  DeviceSpec d;
  d.sim.size = 4096;  // the default window is 16 KiB
  DeviceRun run = measure_device(d, Clock::calibrate());
  EXPECT_FALSE(run.opened);
  EXPECT_NE(run.error.find("window.size"), std::string::npos) << run.error;
}

TEST(Measure, VerifyMismatchCountsAsAFailedCheck) {
  DeviceRun run;
  VerifyResult v;
  v.status = VerifyStatus::kMismatch;
  run.verify.push_back(v);
  EXPECT_TRUE(run.failed_checks());
}

DeviceSpec quick() {
  DeviceSpec d;
  d.window.size = 256;
  d.sweep.block_sizes = {8, 64};
  d.sweep.iterations = {20, 20, 10};
  d.verify.clear();
  return d;
}

TEST(Measure, ADeviceReadingAllOnesIsDownNotData) {
  testing::FakeBar bar(4096, true);
  std::memset(bar.memory().data(), 0xff, bar.memory().size());
  DeviceSpec d = quick();
  d.writes.enabled = false;
  DeviceRun run = measure_bar(bar, d, Clock::calibrate());
  EXPECT_EQ(run.error_reason, ErrorReason::kAllOnes);
  EXPECT_NE(run.error.find("every read returned all-ones"), std::string::npos);
}

TEST(Measure, AllOnesThroughSysfsOrUioMentionsAnIdleVfioDeviceInD3hot) {
  testing::FakeBar bar(4096, true);
  std::memset(bar.memory().data(), 0xff, bar.memory().size());
  DeviceSpec d = quick();
  d.writes.enabled = false;
  for (Backend b : {Backend::kSysfs, Backend::kUio}) {
    d.backend = b;
    DeviceRun run = measure_bar(bar, d, Clock::calibrate());
    EXPECT_NE(
        run.error.find("bound to vfio-pci with no process holding it open, which leaves it powered down in D3hot: "
                       "measure it with backend vfio, or load vfio-pci with disable_idle_d3=1"),
        std::string::npos)
        << run.error;
  }
  d.backend = Backend::kVfio;  // vfio-pci wakes the device to D0 when it is opened
  EXPECT_EQ(measure_bar(bar, d, Clock::calibrate()).error.find("D3hot"), std::string::npos);
}

TEST(Measure, AllOnesWhereWritesDoNotLandIsDownToo) {
  testing::FakeBar bar(4096);
  bar.all_ones = true;  // loads return all-ones whatever was stored
  DeviceRun run = measure_bar(bar, quick(), Clock::calibrate());
  EXPECT_EQ(run.error_reason, ErrorReason::kAllOnes);
}

TEST(Measure, ARegisterThatReadsAllOnesButAnswersWritesIsUpAndFailsItsChecks) {
  // Like QEMU edu's liveness register: a read returns the inverse of what was last written.
  struct InvertingBar : testing::FakeBar {
    using FakeBar::FakeBar;
    uint64_t load(uint64_t offset, unsigned width) override {
      uint64_t mask = width == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width)) - 1;
      return ~FakeBar::load(offset, width) & mask;
    }
  } bar(4096);
  DeviceSpec d = quick();
  d.window = {0, 8};
  d.sweep.block_sizes = {8};
  DeviceRun run = measure_bar(bar, d, Clock::calibrate());  // stored 0: every READ is all-ones
  EXPECT_TRUE(run.error.empty()) << run.error;
  EXPECT_TRUE(run.failed_checks());  // R+W reads back the inverse: exit code 1, not 3
}

TEST(Measure, ErasedMemoryThatReadsAllOnesButTakesWritesIsData) {
  testing::FakeBar bar(4096, true);
  std::memset(bar.memory().data(), 0xff, bar.memory().size());  // erased flash, say
  DeviceRun run = measure_bar(bar, quick(), Clock::calibrate());
  EXPECT_TRUE(run.error.empty()) << run.error;
}

}  // namespace
}  // namespace pcie_bar

namespace pcie_bar {
namespace {

// Every combination of access width, window, write settings and probes on a 16 KiB BAR.
template <typename F>
int for_each_safety_case(uint64_t bar_size, F&& f) {
  int runs = 0;
  for (unsigned width : {1u, 2u, 4u, 8u}) {
    for (auto [wo, ws] : {std::pair<uint64_t, uint64_t>{0, 64}, {0x40, 0x100}, {0x1000, 0x1000}, {0x3f00, 0x100}}) {
      for (bool writes : {false, true}) {
        for (bool restore : {false, true}) {
          for (int probes = 0; probes < 3; ++probes) {
            DeviceSpec d;
            d.access.width = width;
            d.window = {wo, ws};
            d.writes = {writes, restore};
            d.sweep.block_sizes.clear();
            for (uint64_t b = 1; b <= std::min<uint64_t>(ws, 256); b *= 2) d.sweep.block_sizes.push_back(b);
            d.sweep.iterations = {40, 40, 40};
            d.verify.clear();
            if (probes > 0) d.verify.push_back(VerifySpec{0x2000, 0xabcd, 2, true});
            if (probes > 1) d.verify.push_back(VerifySpec{bar_size - 8, 0x1234567890abcdefULL, 8, false});
            f(d);
            ++runs;
          }
        }
      }
    }
  }
  return runs;
}

bool in_probe(const DeviceSpec& d, uint64_t offset, unsigned width) {
  return std::any_of(d.verify.begin(), d.verify.end(),
                     [&](const VerifySpec& p) { return offset >= p.offset && offset + width <= p.offset + p.width; });
}

// The safety invariants with a BAR that records every access: nothing outside the BAR, no write
// outside the window or a probe's own bytes, no write at all with writes disabled, no access
// wider than access.width.
TEST(MeasureSafety, InvariantsHoldForEveryCombination) {
  const uint64_t bar_size = 0x4000;
  const Clock clock = Clock::calibrate();
  int runs = for_each_safety_case(bar_size, [&](const DeviceSpec& d) {
    testing::FakeBar bar(bar_size);
    DeviceRun run = measure_bar(bar, d, clock);
    ASSERT_TRUE(run.error.empty()) << run.error;
    ASSERT_FALSE(bar.out_of_bounds);
    for (const auto& a : bar.accesses) {
      ASSERT_LE(a.width, d.access.width);
      ASSERT_LE(a.offset + a.width, bar_size);
      if (!a.is_write) continue;
      ASSERT_TRUE(d.writes.enabled) << "a write with writes disabled at " << a.offset;
      bool in_window = a.offset >= d.window.offset && a.offset + a.width <= d.window.offset + d.window.size;
      ASSERT_TRUE(in_window || in_probe(d, a.offset, a.width))
          << "write outside the window and the probes at " << a.offset;
    }
  });
  EXPECT_EQ(runs, 4 * 4 * 2 * 2 * 3);
}

// The same invariants on the mapped path, where accesses cannot be recorded: the BAR sits between
// guard pages (an access outside it faults), is read-only when writes are disabled (a store
// faults), and every byte outside the window and the probes keeps its value; with restore, the
// window's bytes too.
TEST(MeasureSafety, MappedMoversKeepTheInvariants) {
  const uint64_t bar_size = 0x4000;
  const Clock clock = Clock::calibrate();
  std::vector<std::byte> original(bar_size);
  for (std::size_t i = 0; i < bar_size; ++i) original[i] = static_cast<std::byte>(i * 131 + 7);
  int runs = for_each_safety_case(bar_size, [&](const DeviceSpec& d) {
    testing::GuardedBar bar(bar_size);
    std::memcpy(bar.memory(), original.data(), bar_size);
    bar.set_read_only(!d.writes.enabled);
    DeviceRun run = measure_bar(bar, d, clock);
    ASSERT_TRUE(run.error.empty()) << run.error;
    for (uint64_t at = 0; at < bar_size; ++at) {
      if (in_probe(d, at, 1)) continue;
      bool in_window = at >= d.window.offset && at < d.window.offset + d.window.size;
      if (in_window && !d.writes.restore) continue;
      ASSERT_EQ(bar.memory()[at], original[at]) << "byte " << at << " changed (window " << d.window.offset << "+"
                                                << d.window.size << ", width " << d.access.width << ")";
    }
  });
  EXPECT_EQ(runs, 4 * 4 * 2 * 2 * 3);
}

}  // namespace
}  // namespace pcie_bar
