#include "core/clock.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/clock_stamps.h"

namespace pcie_bar {
namespace {

// The clock must agree with CLOCK_MONOTONIC over a sleep; 20 % slack absorbs scheduling noise
// without letting a wrong calibration (off by a factor) through.
void expect_tracks_monotonic(const Clock& c) {
  uint64_t m0 = Clock::monotonic_ns();
  uint64_t t0 = clock_start(c);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  uint64_t t1 = clock_stop(c);
  double monotonic = static_cast<double>(Clock::monotonic_ns() - m0) * 1e-9;
  EXPECT_NEAR(c.to_seconds(t1 - t0), monotonic, monotonic * 0.2);
}

TEST(Clock, CalibratedClockTracksMonotonicTime) {
  Clock c = Clock::calibrate();
  expect_tracks_monotonic(c);
  EXPECT_GT(c.overhead_seconds(), 0.0);
  EXPECT_LT(c.overhead_seconds(), 1e-5);
  if (c.source() == Clock::Source::kTsc)
    EXPECT_TRUE(c.fallback_reason().empty());
  else
    EXPECT_FALSE(c.fallback_reason().empty());
}

TEST(Clock, FallbackSaysWhyAndStillWorks) {
  Clock c = Clock::calibrate(/*allow_tsc=*/false);
  EXPECT_EQ(c.source(), Clock::Source::kMonotonic);
  EXPECT_STREQ(c.source_name(), "clock_monotonic");
  EXPECT_NE(c.fallback_reason().find("disabled"), std::string::npos);
  EXPECT_DOUBLE_EQ(c.seconds_per_tick(), 1e-9);
  expect_tracks_monotonic(c);
}

}  // namespace
}  // namespace pcie_bar
