#include "exporter/app/monitored_devices.h"

#include <algorithm>

namespace pcie_bar {

MonitoredDevices::MonitoredDevices(const Clock& clock, BarOpener opener)
    : clock_(clock), opener_(std::move(opener)), page_(clock.overhead_seconds()) {}

MonitoredDevices::~MonitoredDevices() { stop(); }

void MonitoredDevices::configure(const std::vector<DeviceSpec>& devices) {
  stop();
  std::vector<std::shared_ptr<DeviceMetrics>> metrics;
  std::vector<std::unique_ptr<DeviceWorker>> workers;
  for (const DeviceSpec& spec : devices) {
    auto kept = std::find_if(metrics_.begin(), metrics_.end(), [&](const auto& m) { return m->name() == spec.name; });
    auto m = kept != metrics_.end() ? *kept : std::make_shared<DeviceMetrics>(spec);
    m->set_spec(spec);
    metrics.push_back(m);
    // Each update is put on the page by the worker that made it, so scrapes never build it.
    workers.push_back(
        std::make_unique<DeviceWorker>(spec, m, clock_, sweep_lock_, opener_, [this] { page_.refresh(); }));
  }
  page_.set_devices(metrics);  // first, so that what open_now() records lands on the new page
  for (auto& w : workers) w->open_now();
  page_.refresh();
  std::lock_guard lock(mu_);
  metrics_ = std::move(metrics);
  workers_ = std::move(workers);
}

void MonitoredDevices::start() {
  std::lock_guard lock(mu_);
  for (auto& w : workers_) w->start();
}

void MonitoredDevices::stop() {
  std::vector<std::unique_ptr<DeviceWorker>> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
  }
  for (auto& w : workers) w->stop();
}

bool MonitoredDevices::ready() const {
  std::lock_guard lock(mu_);
  return std::all_of(metrics_.begin(), metrics_.end(), [](const auto& m) { return m->first_run_done(); });
}

}  // namespace pcie_bar
