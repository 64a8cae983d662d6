#pragma once
// The text behind /metrics: every device's samples plus the exporter's own (clock overhead,
// build info), grouped by family. The page is put together only when some device has recorded
// something since the last scrape; concurrent scrapes share one finished string.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/device_metrics.h"
#include "exporter/exposition.h"

namespace pcie_bar {

class MetricsPage {
 public:
  explicit MetricsPage(double clock_overhead_seconds);

  void set_devices(std::vector<std::shared_ptr<DeviceMetrics>> devices);
  // The page as of the devices' latest updates.
  std::shared_ptr<const ExpositionPage> current() const;

 private:
  std::string build(const std::vector<std::shared_ptr<const SampleText>>& device_texts) const;

  std::vector<prometheus::MetricFamily> families_;  // declared, in exposition order, without samples
  SampleText own_text_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<DeviceMetrics>> devices_;
  // The page and the device texts it was built from; pointer equality says nothing changed.
  mutable std::vector<std::shared_ptr<const SampleText>> built_from_;
  mutable std::shared_ptr<const ExpositionPage> page_;
};

}  // namespace pcie_bar
