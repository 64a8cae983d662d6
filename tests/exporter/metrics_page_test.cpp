#include "exporter/metrics_page.h"

#include <gtest/gtest.h>

#include "exporter/version.h"
#include "tests/support/exposition_sample.h"

namespace pcie_bar {
namespace {

using testing::sample;

std::shared_ptr<DeviceMetrics> device(const std::string& name) {
  DeviceSpec spec;
  spec.name = name;
  return std::make_shared<DeviceMetrics>(spec);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(MetricsPage, ExposesEveryDeviceAndTheExportersOwnMetrics) {
  MetricsPage page(12e-9);
  page.set_devices({device("a"), device("b")});
  const std::string text = page.current()->text;
  EXPECT_EQ(sample(text, "pcie_bar_device_up{device=\"a\"}"), 0.0);
  EXPECT_EQ(sample(text, "pcie_bar_device_up{device=\"b\"}"), 0.0);
  EXPECT_EQ(sample(text, "pcie_bar_clock_overhead_seconds"), 12e-9);
  EXPECT_EQ(sample(text, std::string("pcie_bar_exporter_build_info{version=\"") + kVersion + "\",revision=\"" +
                             kRevision + "\"}"),
            1.0);
  EXPECT_EQ(text.find("# TYPE pcie_bar_op_duration_seconds"), std::string::npos);  // no run yet: no family
}

TEST(MetricsPage, EachFamilyHasOneHeaderAndAllItsSamplesTogether) {
  MetricsPage page(1e-9);
  auto a = device("a"), b = device("b");
  page.set_devices({a, b});
  const std::string text = page.current()->text;
  EXPECT_EQ(count(text, "# TYPE pcie_bar_device_up gauge\n"), 1u);
  EXPECT_NE(text.find("# TYPE pcie_bar_device_up gauge\npcie_bar_device_up{device=\"a\"} 0\n"
                      "pcie_bar_device_up{device=\"b\"} 0\n"),
            std::string::npos);
}

TEST(MetricsPage, ScrapesShareOnePageUntilADeviceRecordsSomething) {
  MetricsPage page(1e-9);
  auto a = device("a");
  page.set_devices({a});
  auto first = page.current();
  EXPECT_EQ(page.current(), first);  // the same string, not a copy
  a->record_failure(ErrorReason::kIo);
  auto second = page.current();
  EXPECT_NE(second, first);
  EXPECT_EQ(sample(second->text, "pcie_bar_device_errors_total{device=\"a\",reason=\"io\"}"), 1.0);
  EXPECT_EQ(sample(first->text, "pcie_bar_device_errors_total{device=\"a\",reason=\"io\"}"), std::nullopt);
}

TEST(MetricsPage, ReplacingTheDevicesRebuildsThePage) {
  MetricsPage page(1e-9);
  page.set_devices({device("a")});
  page.current();
  page.set_devices({device("c")});
  const std::string text = page.current()->text;
  EXPECT_EQ(sample(text, "pcie_bar_device_up{device=\"a\"}"), std::nullopt);
  EXPECT_EQ(sample(text, "pcie_bar_device_up{device=\"c\"}"), 0.0);
}

}  // namespace
}  // namespace pcie_bar
