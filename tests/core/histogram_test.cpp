#include "core/histogram.h"

#include <gtest/gtest.h>

#include <random>

namespace pcie_bar {
namespace {

TEST(Histogram, EmptyReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.value_at_quantile(0.5), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (uint64_t v = 0; v < 100; ++v) h.record(v);
  EXPECT_EQ(h.value_at_quantile(0.5), 49u);
  EXPECT_EQ(h.value_at_quantile(0.99), 98u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 99u);
  EXPECT_DOUBLE_EQ(h.mean(), 49.5);
}

TEST(Histogram, BucketsTileTheRangeWithoutGapsOrOverlap) {
  for (std::size_t i = 1; i < Histogram::bucket_count(); ++i) {
    ASSERT_EQ(Histogram::lowest_in(i), Histogram::highest_in(i - 1) + 1) << i;
    ASSERT_EQ(Histogram::index_of(Histogram::lowest_in(i)), i);
    ASSERT_EQ(Histogram::index_of(Histogram::highest_in(i)), i);
  }
  EXPECT_EQ(Histogram::highest_in(Histogram::bucket_count() - 1), Histogram::kMaxTrackable);
}

TEST(Histogram, QuantilesAreWithinOnePercentOfTheTruth) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(8.0, 1.5);  // ~3000 ticks median, long tail
  std::vector<uint64_t> values(100000);
  Histogram h;
  for (auto& v : values) {
    v = static_cast<uint64_t>(dist(rng));
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.01, 0.5, 0.9, 0.99, 0.999}) {
    double truth = static_cast<double>(values[static_cast<std::size_t>(std::ceil(q * values.size())) - 1]);
    double got = static_cast<double>(h.value_at_quantile(q));
    EXPECT_NEAR(got, truth, std::max(1.0, truth * 0.01)) << "q=" << q;
  }
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
}

TEST(Histogram, MinAndMaxAreExactForLargeValues) {
  Histogram h;
  h.record(1'000'003);
  h.record(123'456'789);
  EXPECT_EQ(h.min(), 1'000'003u);
  EXPECT_EQ(h.max(), 123'456'789u);
  EXPECT_EQ(h.value_at_quantile(0.0), 1'000'003u);  // clamped into [min, max]
  EXPECT_EQ(h.value_at_quantile(1.0), 123'456'789u);
  EXPECT_DOUBLE_EQ(h.sum(), 124'456'792.0);
}

TEST(Histogram, ValuesBeyondTheTrackableRangeKeepExactMax) {
  Histogram h;
  h.record(~uint64_t{0});
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.max(), ~uint64_t{0});
  EXPECT_EQ(h.count_in(Histogram::bucket_count() - 1), 1u);
}

TEST(Histogram, MergeAddsCountsAndKeepsExtremes) {
  Histogram a, b;
  a.record(10);
  a.record(5000);
  b.record(3);
  b.record(70000);
  a.merge(b);
  EXPECT_EQ(a.count(), 4u);
  EXPECT_EQ(a.min(), 3u);
  EXPECT_EQ(a.max(), 70000u);
  EXPECT_DOUBLE_EQ(a.sum(), 75013.0);
}

TEST(Histogram, CountAtOrBelowIsExactOnBucketEdges) {
  Histogram h;
  for (uint64_t v : {5u, 100u, 1000u, 1000u, 100000u}) h.record(v);
  EXPECT_EQ(h.count_at_or_below(4), 0u);
  EXPECT_EQ(h.count_at_or_below(5), 1u);
  EXPECT_EQ(h.count_at_or_below(127), 2u);
  EXPECT_EQ(h.count_at_or_below(Histogram::highest_in(Histogram::index_of(1000))), 4u);
  EXPECT_EQ(h.count_at_or_below(Histogram::kMaxTrackable), 5u);
}

}  // namespace
}  // namespace pcie_bar

namespace pcie_bar {
namespace {

TEST(Histogram, ABatchCountsEachOpAtTheBatchMeanAndKeepsTheExactSum) {
  Histogram h;
  h.record_mean(1003, 10);  // 10 ops in 1003 ticks: each about 100
  h.record_mean(0, 0);      // an empty batch records nothing
  EXPECT_EQ(h.count(), 10u);
  EXPECT_EQ(h.sum(), 1003.0);
  EXPECT_EQ(h.min(), 100u);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_EQ(h.count_at_or_below(100), 10u);
}

}  // namespace
}  // namespace pcie_bar
