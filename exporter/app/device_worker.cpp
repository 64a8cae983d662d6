#include "exporter/app/device_worker.h"

#include <random>

#include "core/measure.h"
#include "core/open_bar.h"
#include "exporter/app/device_warnings.h"
#include "exporter/common/log.h"

namespace pcie_bar {

namespace {

constexpr std::chrono::milliseconds kFirstBackoff{1000};
// Closing a vfio device and opening it again are two resets (vfio-pci resets it on the last
// close and the first open): after a failed run a vfio device is reopened after a minute at the
// earliest, then after 2, 4, ... minutes up to an hour (or the sweep interval, if longer).
constexpr std::chrono::milliseconds kVfioReopenBackoff{60'000};
constexpr std::chrono::milliseconds kVfioMaxBackoff{3'600'000};

double unix_now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

}  // namespace

DeviceWorker::DeviceWorker(DeviceSpec spec, std::shared_ptr<DeviceMetrics> metrics, const Clock& clock,
                           std::mutex& sweep_lock, BarOpener opener, std::function<void()> recorded)
    : spec_(std::move(spec)),
      metrics_(std::move(metrics)),
      clock_(clock),
      sweep_lock_(sweep_lock),
      opener_(std::move(opener)),
      recorded_(std::move(recorded)) {}

DeviceWorker::~DeviceWorker() { stop(); }

void DeviceWorker::open_now() { try_open(); }

void DeviceWorker::start() {
  thread_ = std::thread([this] { loop(); });
}

void DeviceWorker::stop() {
  {
    std::lock_guard lock(wake_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool DeviceWorker::try_open() {
  if (bar_) return true;
  try {
    auto bar = open_fitted(spec_, opener_);
    metrics_->record_opened(bar->properties(), device_info(spec_));
    recorded_();
    bar_ = std::move(bar);
    log_event(LogLevel::kInfo, "device opened", {{"device", spec_.name}, {"bar", bar_->properties().description}});
    log_device_warnings(spec_.name, bar_->properties());
    return true;
  } catch (const std::exception& e) {  // not only DeviceError: nothing may escape this thread
    metrics_->record_failure(ErrorReason::kOpen);
    recorded_();
    log_event(LogLevel::kError, "cannot open device", {{"device", spec_.name}, {"err", e.what()}});
    return false;
  }
}

void DeviceWorker::loop() {
  // open_now() made the first attempt; every later one (after a failed open or a failed run)
  // waits out its backoff first.
  while (!stop_) {
    if (!bar_) {
      if (!sleep_for(next_backoff())) return;
      if (!try_open()) continue;
    }
    run_once();
    if (bar_ && !sleep_for(jittered_interval())) return;
  }
}

void DeviceWorker::run_once() {
  DeviceRun run;
  {
    std::lock_guard lock(sweep_lock_);
    if (stop_) return;
    try {
      run = measure_bar(*bar_, spec_, clock_, &stop_);  // turns DeviceError into run.error
    } catch (const std::exception& e) {                 // anything else must not end the process
      run.error = e.what();
      run.error_reason = ErrorReason::kIo;
    }
  }
  if (run.sweep.cancelled) return;  // stopping: a partial run is not published
  if (!run.error.empty()) {
    metrics_->record_failure(run.error_reason, run.busy_seconds);
    recorded_();
    bar_.reset();
    if (spec_.backend == Backend::kVfio) backoff_ = std::max(backoff_, kVfioReopenBackoff / 2);  // doubled next
    log_event(LogLevel::kError, "run failed; reopening",
              {{"device", spec_.name},
               {"reason", error_reason_name(run.error_reason)},
               {"err", run.error},
               {"retry_in", std::to_string(peek_backoff().count() / 1000) + "s"}});
    return;
  }
  backoff_ = std::chrono::milliseconds(
      0);  // only a good run ends the backoff: a device that opens but fails each run keeps backing off
  run.info = device_info(spec_);  // AER counters and link state change while the device stays open
  metrics_->record_run(run, unix_now());
  recorded_();
  log_event(LogLevel::kDebug, "run finished",
            {{"device", spec_.name}, {"seconds", std::to_string(run.sweep.wall_seconds)}});
}

bool DeviceWorker::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock lock(wake_mu_);
  return !wake_.wait_for(lock, d, [this] { return stop_.load(); });
}

std::chrono::milliseconds DeviceWorker::peek_backoff() const {
  const auto cap =
      std::max(spec_.sweep.interval,
               spec_.backend == Backend::kVfio && backoff_ >= kVfioReopenBackoff / 2 ? kVfioMaxBackoff : kFirstBackoff);
  return backoff_.count() == 0 ? kFirstBackoff : std::min(backoff_ * 2, cap);
}

std::chrono::milliseconds DeviceWorker::next_backoff() {
  backoff_ = peek_backoff();
  return backoff_;
}

std::chrono::milliseconds DeviceWorker::jittered_interval() {
  thread_local std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> factor(0.95, 1.05);
  return std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(spec_.sweep.interval.count()) * factor(rng)));
}

}  // namespace pcie_bar
