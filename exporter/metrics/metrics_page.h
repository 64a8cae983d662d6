#pragma once
// The pages behind /metrics, text and protobuf: every device's samples plus the exporter's own
// (clock overhead, build info), grouped by family. The pages are put together after a device
// records something, by refresh() on the device's worker thread, so a scrape only hands out a
// finished string (concurrent scrapes share it).

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/http/exposition_page.h"
#include "exporter/metrics/device_metrics.h"
#include "exporter/metrics/exposition.h"

namespace pcie_bar {

class MetricsPage {
 public:
  explicit MetricsPage(double clock_overhead_seconds);

  void set_devices(std::vector<std::shared_ptr<DeviceMetrics>> devices);
  // Puts the pages together if a device recorded something since they were last built. The build
  // (concatenation and gzip, milliseconds for many devices) runs on the caller's thread, outside
  // the lock scrapes take.
  void refresh() const;
  // The page as of the devices' latest updates (refreshed here only if no worker has yet).
  std::shared_ptr<const ExpositionPage> current() const;
  // How many times the page was put together.
  uint64_t builds() const;

 private:
  using Parts = std::vector<std::shared_ptr<const RenderedSamples>>;
  std::shared_ptr<const ExpositionPage> build(const Parts& device_parts) const;
  std::string build_text(const std::vector<const RenderedSamples*>& parts) const;
  std::string build_protobuf(const std::vector<const RenderedSamples*>& parts) const;

  std::vector<prometheus::MetricFamily> families_;  // declared, in exposition order, without samples
  std::vector<std::string> protobuf_headers_;       // per family: its name, help and type as a message
  RenderedSamples own_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<DeviceMetrics>> devices_;
  // The page and the device parts it was built from; pointer equality says nothing changed.
  // Builds run concurrently; each is numbered when its parts are taken, and an older one
  // never replaces a newer page.
  mutable Parts built_from_;
  mutable std::shared_ptr<const ExpositionPage> page_;
  mutable uint64_t started_ = 0, published_ = 0, builds_ = 0;
};

}  // namespace pcie_bar
