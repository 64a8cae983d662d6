#include "exporter/bar_collector.h"

#include <gtest/gtest.h>

#include "exporter/version.h"

namespace pcie_bar {
namespace {

TEST(BarCollector, ExposesEveryDeviceAndTheExportersOwnMetrics) {
  BarCollector c(12e-9);
  DeviceSpec a, b;
  a.name = "a";
  b.name = "b";
  c.set_devices({std::make_shared<DeviceMetrics>(a), std::make_shared<DeviceMetrics>(b)});
  std::map<std::string, prometheus::MetricFamily> f;
  for (auto& fam : c.Collect()) f[fam.name] = fam;
  EXPECT_EQ(f.at("pcie_bar_device_up").metric.size(), 2u);
  EXPECT_EQ(f.at("pcie_bar_clock_overhead_seconds").metric[0].gauge.value, 12e-9);
  const auto& build = f.at("pcie_bar_exporter_build_info").metric[0];
  EXPECT_EQ(build.label[0].value, kVersion);
  EXPECT_EQ(build.label[1].value, kRevision);
  EXPECT_EQ(f.count("pcie_bar_op_duration_seconds"), 0u);  // no run yet: no series
}

}  // namespace
}  // namespace pcie_bar
