#include "config/metrics_section.h"

#include <gtest/gtest.h>

#include "config/config_loader.h"

namespace pcie_bar {
namespace {

MetricsSpec metrics_of(const std::string& section) {
  return parse_config("devices:\n  - {name: a, backend: sim, metrics: " + section + "}\n", "t.yml").devices[0].metrics;
}

std::string error_of(const std::string& section) {
  try {
    metrics_of(section);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(MetricsSection, TheDefaultIsTheFullProfileWithItsOwnBuckets) {
  MetricsSpec m = parse_config("devices:\n  - {name: a, backend: sim}\n", "t.yml").devices[0].metrics;
  EXPECT_EQ(m.profile, MetricsProfile::kFull);
  EXPECT_EQ(m.latency_buckets.kind, LatencyBucketLayout::Kind::kProfile);
  EXPECT_TRUE(m.block_sizes.empty());
}

TEST(MetricsSection, DecodesProfileBlockSizesAndEachBucketLayout) {
  MetricsSpec m = metrics_of("{profile: fleet, block_sizes: [4096, 8]}");
  EXPECT_EQ(m.profile, MetricsProfile::kFleet);
  EXPECT_EQ(m.block_sizes, (std::vector<uint64_t>{4096, 8}));

  m = metrics_of("{latency_buckets: [500ns, 1us, 1.5us]}");
  EXPECT_EQ(m.latency_buckets.kind, LatencyBucketLayout::Kind::kBounds);
  ASSERT_EQ(m.latency_buckets.bounds.size(), 3u);
  EXPECT_DOUBLE_EQ(m.latency_buckets.bounds[2], 1.5e-6);

  m = metrics_of("{latency_buckets: {start: 200ns, factor: 1.5, count: 4}}");
  ASSERT_EQ(m.latency_buckets.bounds.size(), 4u);
  EXPECT_DOUBLE_EQ(m.latency_buckets.bounds[0], 200e-9);
  EXPECT_DOUBLE_EQ(m.latency_buckets.bounds[3], 200e-9 * 1.5 * 1.5 * 1.5);

  m = metrics_of("{profile: fleet, latency_buckets: 1-2-5}");
  EXPECT_EQ(m.latency_buckets.kind, LatencyBucketLayout::Kind::kOneTwoFive);
  m = metrics_of("{latency_buckets: none}");
  EXPECT_EQ(m.latency_buckets.kind, LatencyBucketLayout::Kind::kBounds);
  EXPECT_TRUE(m.latency_buckets.bounds.empty());
}

TEST(MetricsSection, BadValuesNameTheirKey) {
  EXPECT_EQ(error_of("{profile: tiny}"),
            "t.yml:2:48: devices[0].metrics.profile: 'tiny' is not a metrics profile (full or fleet)");
  EXPECT_NE(
      error_of("{latency_buckets: [1us, 1us]}").find("devices[0].metrics.latency_buckets[1]: bounds must be ascending"),
      std::string::npos);
  EXPECT_NE(error_of("{latency_buckets: [0ns]}").find("'0ns' is not a latency above 0"), std::string::npos);
  EXPECT_NE(error_of("{latency_buckets: fine}").find("'fine' is not a bucket layout"), std::string::npos);
  EXPECT_NE(error_of("{latency_buckets: {start: 1us, factor: 1, count: 5}}")
                .find("metrics.latency_buckets.factor: '1' is not a factor between 1.001 and 10"),
            std::string::npos);
  EXPECT_NE(error_of("{latency_buckets: {start: 1us, factor: 2, count: 500}}").find("latency_buckets.count"),
            std::string::npos);
  EXPECT_NE(error_of("{latency_buckets: {start: 1us}}").find("latency_buckets.factor: required"), std::string::npos);
  EXPECT_NE(error_of("{block_sizes: [8, 8]}").find("metrics.block_sizes[1]: 8 is listed twice"), std::string::npos);
  EXPECT_NE(error_of("{buckets: none}").find("buckets"), std::string::npos);
}

TEST(MetricsSection, ExportedBlockSizesMustBeSwept) {
  const char* yaml = R"(devices:
  - name: a
    backend: sim
    metrics: {block_sizes: [64]}
    sweep: {block_sizes: [8, 4096]}
)";
  try {
    parse_config(yaml, "t.yml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "t.yml:4:29: devices[0].metrics.block_sizes[0]: block size 64 is not in sweep.block_sizes");
  }
}

}  // namespace
}  // namespace pcie_bar
