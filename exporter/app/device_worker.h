#pragma once
// One thread per device: opens the BAR, runs probes and sweep every sweep.interval (with
// jitter, so devices on one host do not sweep in lockstep), records the results, and retries
// with exponential backoff when the device cannot be opened or fails mid-run. A vfio device is
// reset by every close and reopen, so after a failed run it is reopened after a minute at the
// earliest (doubling up to an hour), never in a tight loop.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "core/bar.h"
#include "core/clock.h"
#include "core/device_spec.h"
#include "core/open_bar.h"
#include "exporter/metrics/device_metrics.h"

namespace pcie_bar {

class DeviceWorker {
 public:
  // `sweep_lock` is shared by all workers: one sweep at a time per host, so that devices do not
  // compete for the CPU cores their timing runs on. `recorded` is called after each update of
  // `metrics` (on the worker's thread), to publish it.
  DeviceWorker(
      DeviceSpec spec, std::shared_ptr<DeviceMetrics> metrics, const Clock& clock, std::mutex& sweep_lock,
      BarOpener opener, std::function<void()> recorded = [] {});
  ~DeviceWorker();
  DeviceWorker(const DeviceWorker&) = delete;
  DeviceWorker& operator=(const DeviceWorker&) = delete;

  // First open attempt on the caller's thread (before privileges are dropped); a failure is
  // recorded and retried by the worker thread after the first backoff. Call before start().
  void open_now();
  void start();
  // Cancels the running sweep after its current op (the window is still restored), wakes the
  // thread and joins it.
  void stop();

 private:
  bool try_open();
  void loop();
  void run_once();
  // Sleeps up to `d`; returns false when stop() was called meanwhile.
  bool sleep_for(std::chrono::milliseconds d);
  std::chrono::milliseconds next_backoff();
  std::chrono::milliseconds peek_backoff() const;  // what next_backoff() will return
  std::chrono::milliseconds jittered_interval();

  DeviceSpec spec_;  // fitted to the BAR once opened (command-line defaults only)
  std::shared_ptr<DeviceMetrics> metrics_;
  const Clock& clock_;
  std::mutex& sweep_lock_;
  BarOpener opener_;
  std::function<void()> recorded_;
  std::unique_ptr<Bar> bar_;
  std::chrono::milliseconds backoff_{0};
  std::atomic<bool> stop_{false};
  std::mutex wake_mu_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace pcie_bar
