#include "exporter/metrics/exposition.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

prometheus::MetricFamily gauge_family() {
  prometheus::MetricFamily f{"x_value", "An x.", prometheus::MetricType::Gauge, {}};
  auto& m = f.metric.emplace_back();
  m.label.push_back({"device", "a\"b"});
  m.gauge.value = 2.5;
  return f;
}

TEST(Exposition, SamplesAreTheSerializersLinesWithoutHeaders) {
  SampleText t = render_samples({gauge_family()});
  EXPECT_EQ(t.at("x_value"), "x_value{device=\"a\\\"b\"} 2.5\n");
}

TEST(Exposition, HistogramSamplesKeepEveryLine) {
  prometheus::MetricFamily f{"h_seconds", "H.", prometheus::MetricType::Histogram, {}};
  auto& h = f.metric.emplace_back().histogram;
  h.sample_count = 3;
  h.sample_sum = 0.5;
  h.bucket = {{1, 0.1}, {3, std::numeric_limits<double>::infinity()}};
  EXPECT_EQ(render_samples({f}).at("h_seconds"),
            "h_seconds_count 3\nh_seconds_sum 0.5\nh_seconds_bucket{le=\"0.1\"} 1\nh_seconds_bucket{le=\"+Inf\"} 3\n");
}

TEST(Exposition, HeaderIsHelpAndType) {
  EXPECT_EQ(render_header(gauge_family()), "# HELP x_value An x.\n# TYPE x_value gauge\n");
}

}  // namespace
}  // namespace pcie_bar
