#include "exporter/metrics/latency_buckets.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

TEST(LatencyBuckets, OneTwoFiveFrom10nsTo100ms) {
  const auto& b = one_two_five_bounds();
  ASSERT_EQ(b.size(), 22u);
  EXPECT_DOUBLE_EQ(b.front(), 1e-8);
  EXPECT_DOUBLE_EQ(b[1], 2e-8);
  EXPECT_DOUBLE_EQ(b[2], 5e-8);
  EXPECT_NEAR(b.back(), 0.1, 1e-15);
  for (std::size_t i = 1; i < b.size(); ++i) EXPECT_GT(b[i], b[i - 1]);
}

TEST(LatencyBuckets, CumulativeCountsPlaceEachValueAtOrBelowItsBound) {
  Histogram h;
  for (uint64_t ns : {5u, 15u, 15u, 900u, 3000u, 200'000'000u}) h.record(ns);  // 1 tick = 1 ns
  auto c = cumulative_bucket_counts(h, 1e-9, one_two_five_bounds());
  ASSERT_EQ(c.size(), 23u);
  EXPECT_EQ(c[0], 1u);   // <= 10 ns
  EXPECT_EQ(c[1], 3u);   // <= 20 ns
  EXPECT_EQ(c[6], 4u);   // <= 1 µs
  EXPECT_EQ(c[7], 4u);   // <= 2 µs
  EXPECT_EQ(c[8], 5u);   // <= 5 µs
  EXPECT_EQ(c[21], 5u);  // <= 100 ms
  EXPECT_EQ(c[22], 6u);  // +Inf holds everything
}

TEST(LatencyBuckets, TickScaleIsApplied) {
  Histogram h;
  h.record(30);  // 30 ticks of 0.5 ns = 15 ns
  auto c = cumulative_bucket_counts(h, 0.5e-9, one_two_five_bounds());
  EXPECT_EQ(c[0], 0u);
  EXPECT_EQ(c[1], 1u);
}

TEST(LatencyBuckets, ConfiguredBoundsAreUsed) {
  Histogram h;
  for (uint64_t ns : {900u, 1100u, 1300u, 1900u}) h.record(ns);
  auto c = cumulative_bucket_counts(h, 1e-9, {1e-6, 1.25e-6, 1.6e-6, 2e-6});
  EXPECT_EQ(c, (std::vector<uint64_t>{1, 2, 3, 4, 4}));
}

TEST(LatencyBuckets, NoBoundsLeaveOnlyInf) {
  Histogram h;
  h.record(5);
  h.record(500);
  EXPECT_EQ(cumulative_bucket_counts(h, 1e-9, {}), (std::vector<uint64_t>{2}));
}

}  // namespace
}  // namespace pcie_bar
