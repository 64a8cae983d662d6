#include "exporter/metrics/metrics_profile.h"

#include <gtest/gtest.h>

#include "exporter/metrics/latency_buckets.h"

namespace pcie_bar {
namespace {

TEST(MetricsProfile, ClassicBucketsAreOneTwoFiveInFullNoneInFleetUnlessSet) {
  MetricsSpec m;
  EXPECT_EQ(classic_bounds(m), one_two_five_bounds());
  m.profile = MetricsProfile::kFleet;
  EXPECT_TRUE(classic_bounds(m).empty());
  m.latency_buckets.kind = LatencyBucketLayout::Kind::kOneTwoFive;
  EXPECT_EQ(classic_bounds(m), one_two_five_bounds());
  m.profile = MetricsProfile::kFull;
  m.latency_buckets = {LatencyBucketLayout::Kind::kBounds, {1e-6, 2e-6}};
  EXPECT_EQ(classic_bounds(m), (std::vector<double>{1e-6, 2e-6}));
}

TEST(MetricsProfile, FullExportsEverySweptBlockSizeFleetARegisterALineAndAPage) {
  DeviceSpec d;
  EXPECT_EQ(exported_block_sizes(d), d.sweep.block_sizes);
  d.metrics.profile = MetricsProfile::kFleet;
  EXPECT_EQ(exported_block_sizes(d), (std::vector<uint64_t>{8, 64, 4096}));
  d.sweep.block_sizes = {1024, 64, 2};
  EXPECT_EQ(exported_block_sizes(d), (std::vector<uint64_t>{64}));
  d.sweep.block_sizes = {2, 1024};
  EXPECT_EQ(exported_block_sizes(d), (std::vector<uint64_t>{1024}));  // none of the three: the largest
  d.metrics.block_sizes = {1024, 2};
  EXPECT_EQ(exported_block_sizes(d), (std::vector<uint64_t>{2, 1024}));
}

}  // namespace
}  // namespace pcie_bar
