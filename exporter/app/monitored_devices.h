#pragma once
// The running exporter's devices: one worker and one DeviceMetrics per configured device.
// A reload replaces the workers; metrics of devices that keep their name keep their counters,
// so rate() over a reload stays continuous.

#include <memory>
#include <mutex>
#include <vector>

#include "core/clock.h"
#include "core/open_bar.h"
#include "exporter/app/device_worker.h"
#include "exporter/metrics/metrics_page.h"

namespace pcie_bar {

class MonitoredDevices {
 public:
  explicit MonitoredDevices(const Clock& clock, BarOpener opener = open_bar);
  ~MonitoredDevices();

  // Stops the current workers, sets up workers for `devices` and opens them (on this thread),
  // without starting them.
  void configure(const std::vector<DeviceSpec>& devices);
  void start();
  void stop();
  // True once every device has finished or failed its first run.
  bool ready() const;

  const MetricsPage& metrics_page() const { return page_; }

 private:
  const Clock& clock_;
  BarOpener opener_;
  MetricsPage page_;
  std::mutex sweep_lock_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<DeviceMetrics>> metrics_;
  std::vector<std::unique_ptr<DeviceWorker>> workers_;
};

}  // namespace pcie_bar
