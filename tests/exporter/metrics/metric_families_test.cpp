#include "exporter/metrics/metric_families.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

TEST(MetricFamilies, KeepsDeclarationOrderAndDropsEmptyFamilies) {
  MetricFamilies f;
  f.declare("b_total", "B.", prometheus::MetricType::Counter);
  f.declare("a", "A.", prometheus::MetricType::Gauge);
  f.declare("unused", "U.", prometheus::MetricType::Gauge);
  f.gauge("a", {{"x", "1"}}, 2.5);
  f.counter("b_total", {}, 7);
  auto out = f.take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].name, "b_total");
  EXPECT_EQ(out[0].metric[0].counter.value, 7);
  EXPECT_EQ(out[1].metric[0].label[0].value, "1");
  EXPECT_THROW(f.gauge("never_declared", {}, 1), std::logic_error);
}

}  // namespace
}  // namespace pcie_bar
