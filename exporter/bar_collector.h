#pragma once
// The prometheus-cpp Collectable behind /metrics: every device's metrics plus the exporter's
// own (clock overhead, build info). Collect() only copies what the workers recorded.

#include <prometheus/collectable.h>

#include <memory>
#include <mutex>
#include <vector>

#include "exporter/device_metrics.h"

namespace pcie_bar {

class BarCollector : public prometheus::Collectable {
 public:
  explicit BarCollector(double clock_overhead_seconds) : clock_overhead_seconds_(clock_overhead_seconds) {}

  void set_devices(std::vector<std::shared_ptr<DeviceMetrics>> devices);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  double clock_overhead_seconds_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<DeviceMetrics>> devices_;
};

}  // namespace pcie_bar
