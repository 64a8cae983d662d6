#include "exporter/bar_collector.h"

#include "exporter/version.h"

namespace pcie_bar {

void BarCollector::set_devices(std::vector<std::shared_ptr<DeviceMetrics>> devices) {
  std::lock_guard lock(mu_);
  devices_ = std::move(devices);
}

std::vector<prometheus::MetricFamily> BarCollector::Collect() const {
  MetricFamilies f;
  DeviceMetrics::declare(f);
  f.declare("pcie_bar_clock_overhead_seconds",
            "Median cost of the per-op timer; included in every pcie_bar_op_duration_seconds sample.",
            prometheus::MetricType::Gauge);
  f.declare("pcie_bar_exporter_build_info", "Version and git revision of pcie_bar_exporter; value 1.",
            prometheus::MetricType::Gauge);
  {
    std::lock_guard lock(mu_);
    for (const auto& d : devices_) d->collect(f);
  }
  f.gauge("pcie_bar_clock_overhead_seconds", {}, clock_overhead_seconds_);
  f.gauge("pcie_bar_exporter_build_info", {{"version", kVersion}, {"revision", kRevision}}, 1);
  return f.take();
}

}  // namespace pcie_bar
