#include "exporter/app/device_worker.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/open_bar.h"
#include "core/sim_model.h"
#include "tests/support/fake_bar.h"

namespace pcie_bar {
namespace {

using namespace std::chrono_literals;

DeviceSpec quick_spec() {
  DeviceSpec d;
  d.sweep.interval = std::chrono::hours(1);
  d.sweep.block_sizes = {8, 64};
  d.sweep.iterations = {20, 20, 10};
  return d;
}

const Clock& clock_for_tests() {
  static const Clock c = Clock::calibrate();
  return c;
}

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// The first sample of the family `name` in what `metrics` exposes; fails the test when the
// family or its sample is missing, so that no assertion is skipped by its absence.
prometheus::ClientMetric first_sample(DeviceMetrics& metrics, const std::string& name) {
  MetricFamilies f;
  DeviceMetrics::declare(f);
  metrics.collect(f);
  for (auto& fam : f.take())
    if (fam.name == name && !fam.metric.empty()) return fam.metric[0];
  ADD_FAILURE() << "no sample of " << name;
  return {};
}

TEST(DeviceWorker, RunsOnceAtStartAndRecordsTheRun) {
  auto metrics = std::make_shared<DeviceMetrics>(quick_spec());
  std::mutex sweep_lock;
  int opens = 0;
  DeviceWorker w(quick_spec(), metrics, clock_for_tests(), sweep_lock, [&](const DeviceSpec&) {
    ++opens;
    return std::make_unique<testing::FakeBar>(65536, true);
  });
  w.open_now();
  w.start();
  ASSERT_TRUE(eventually([&] { return metrics->first_run_done(); }));
  w.stop();
  EXPECT_EQ(opens, 1);
  EXPECT_EQ(first_sample(*metrics, "pcie_bar_device_up").gauge.value, 1);
}

// A default service run on a device like the seed's FPGA (1.2 us per read; the whole default
// sweep would take about 25 s): it fits sweep.budget (1 s), and the busy-time counter says so.
TEST(DeviceWorker, ADefaultRunOnASlowDeviceStaysWithinItsBudget) {
  DeviceSpec spec;
  spec.sim.model = *sim_model_preset("fpga-gen3x1");
  spec.writes.enabled = false;
  spec.sweep.interval = std::chrono::hours(1);
  auto metrics = std::make_shared<DeviceMetrics>(spec);
  std::mutex sweep_lock;
  DeviceWorker w(spec, metrics, clock_for_tests(), sweep_lock, [](const DeviceSpec& s) { return open_bar(s); });
  w.open_now();
  w.start();
  ASSERT_TRUE(eventually([&] { return metrics->first_run_done(); }, 20s));
  w.stop();
  const double busy = first_sample(*metrics, "pcie_bar_device_busy_seconds_total").counter.value;
  const double sweep = first_sample(*metrics, "pcie_bar_sweep_duration_seconds").gauge.value;
  EXPECT_LE(busy, 1.0 * 1.1);
  EXPECT_GE(busy, sweep);         // probes and sweep
  EXPECT_LE(busy, sweep + 0.05);  // the probes are a few accesses
  EXPECT_EQ(first_sample(*metrics, "pcie_bar_device_up").gauge.value, 1);
}

TEST(DeviceWorker, RetriesAFailedOpenWithBackoff) {
  auto metrics = std::make_shared<DeviceMetrics>(quick_spec());
  std::mutex sweep_lock;
  std::atomic<int> opens{0};
  DeviceWorker w(quick_spec(), metrics, clock_for_tests(), sweep_lock, [&](const DeviceSpec&) -> std::unique_ptr<Bar> {
    if (opens++ == 0) throw DeviceError("not there yet");
    return std::make_unique<testing::FakeBar>(65536, true);
  });
  w.open_now();  // fails: recorded as the first (failed) run
  EXPECT_TRUE(metrics->first_run_done());
  auto t0 = std::chrono::steady_clock::now();
  w.start();
  ASSERT_TRUE(eventually([&] { return opens.load() == 2; }));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 900ms);  // the first backoff is 1 s
  w.stop();
}

// A device that is gone by the time a run starts: every run fails.
struct GoneBar : testing::FakeBar {
  using FakeBar::FakeBar;
  void check_present() const override { throw DeviceError("gone"); }
};

TEST(DeviceWorker, AFailingRunMarksTheDeviceDownAndReopens) {
  auto spec = quick_spec();
  spec.sim.path = "unused";
  auto metrics = std::make_shared<DeviceMetrics>(spec);
  std::mutex sweep_lock;
  std::atomic<int> opens{0};
  DeviceWorker w(spec, metrics, clock_for_tests(), sweep_lock, [&](const DeviceSpec&) {
    ++opens;
    return std::make_unique<GoneBar>(65536, true);
  });
  w.open_now();
  auto t0 = std::chrono::steady_clock::now();
  w.start();
  ASSERT_TRUE(eventually([&] { return opens.load() >= 2; }));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 900ms);  // reopening after a failed run backs off too
  w.stop();
  EXPECT_EQ(first_sample(*metrics, "pcie_bar_device_up").gauge.value, 0);
  auto errors = first_sample(*metrics, "pcie_bar_device_errors_total");
  ASSERT_EQ(errors.label.size(), 2u);
  EXPECT_EQ(errors.label[1].value, "io");
}

TEST(DeviceWorker, AFailedVfioRunIsNotReopenedForAMinuteAsEachReopenResetsTheDevice) {
  auto spec = quick_spec();
  spec.backend = Backend::kVfio;
  spec.sweep.interval = std::chrono::seconds(2);
  auto metrics = std::make_shared<DeviceMetrics>(spec);
  std::mutex sweep_lock;
  std::atomic<int> opens{0};
  DeviceWorker w(spec, metrics, clock_for_tests(), sweep_lock, [&](const DeviceSpec&) {
    ++opens;
    return std::make_unique<GoneBar>(65536, true);
  });
  ::testing::internal::CaptureStderr();
  w.open_now();
  w.start();
  ASSERT_TRUE(eventually([&] { return metrics->first_run_done(); }));
  std::this_thread::sleep_for(2500ms);  // a sim or sysfs device is reopened after 1 s
  w.stop();
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(opens.load(), 1);
  EXPECT_NE(log.find("retry_in=60s"), std::string::npos) << log;
}

TEST(DeviceWorker, OpenWarningsAreLogged) {
  auto metrics = std::make_shared<DeviceMetrics>(quick_spec());
  std::mutex sweep_lock;
  DeviceWorker w(quick_spec(), metrics, clock_for_tests(), sweep_lock, [&](const DeviceSpec&) {
    struct WarnedBar : testing::FakeBar {
      explicit WarnedBar(uint64_t size) : FakeBar(size, true) { props_.warnings = {"vfio-pci reset the device"}; }
      const BarProperties& properties() const override { return props_; }
      BarProperties props_ = FakeBar::properties();
    };
    return std::make_unique<WarnedBar>(65536);
  });
  ::testing::internal::CaptureStderr();
  w.open_now();
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("level=warn msg=\"device warning\" device=sim0 warning=\"vfio-pci reset the device\""),
            std::string::npos)
      << log;
}

TEST(DeviceWorker, AnyExceptionFromADeviceIsAFailureNotACrash) {
  auto metrics = std::make_shared<DeviceMetrics>(quick_spec());
  std::mutex sweep_lock;
  std::atomic<int> opens{0};
  struct ThrowingBar : testing::FakeBar {
    using FakeBar::FakeBar;
    void check_present() const override { throw std::runtime_error("driver returned garbage"); }
  };
  DeviceWorker w(quick_spec(), metrics, clock_for_tests(), sweep_lock, [&](const DeviceSpec&) -> std::unique_ptr<Bar> {
    if (opens++ == 0) throw std::invalid_argument("stoull");  // a malformed sysfs file, say
    return std::make_unique<ThrowingBar>(65536, true);
  });
  auto errors = [&] {
    MetricFamilies f;
    DeviceMetrics::declare(f);
    metrics->collect(f);
    std::map<std::string, double> by_reason;
    for (auto& fam : f.take())
      if (fam.name == "pcie_bar_device_errors_total")
        for (auto& m : fam.metric) by_reason[m.label[1].value] = m.counter.value;
    return by_reason;
  };
  w.open_now();  // throws std::invalid_argument inside: recorded, not propagated
  w.start();
  ASSERT_TRUE(eventually([&] { return errors()["io"] >= 1; }));  // the run threw runtime_error
  w.stop();
  EXPECT_EQ(errors()["open"], 1);
  EXPECT_EQ(errors()["io"], 1);
}

TEST(DeviceWorker, StopCancelsALongSweepPromptlyAndRestoresTheWindow) {
  auto spec = quick_spec();
  spec.sweep.iterations = {1'000'000'000, 1'000'000'000, 1'000'000'000};
  spec.sweep.budget = std::chrono::seconds(20);  // a run that lasts until it is stopped
  auto metrics = std::make_shared<DeviceMetrics>(spec);
  std::mutex sweep_lock;
  testing::FakeBar* raw = nullptr;
  DeviceWorker w(spec, metrics, clock_for_tests(), sweep_lock, [&](const DeviceSpec&) {
    auto bar = std::make_unique<testing::FakeBar>(65536, true);
    for (std::size_t i = 0; i < bar->memory().size(); ++i) bar->memory()[i] = std::byte(i * 7);
    raw = bar.get();
    return bar;
  });
  w.open_now();
  const auto before = raw->memory();
  w.start();
  std::this_thread::sleep_for(300ms);  // well inside the read sweep of 10^9 ops
  auto t0 = std::chrono::steady_clock::now();
  w.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
  EXPECT_EQ(raw->memory(), before);
  EXPECT_FALSE(metrics->first_run_done());  // a cancelled run is not published
}

}  // namespace
}  // namespace pcie_bar
