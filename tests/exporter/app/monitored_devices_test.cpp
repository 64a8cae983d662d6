#include "exporter/app/monitored_devices.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/exposition_sample.h"
#include "tests/support/fake_bar.h"

namespace pcie_bar {
namespace {

using namespace std::chrono_literals;

DeviceSpec named(const std::string& name) {
  DeviceSpec d;
  d.name = name;
  d.sweep.interval = std::chrono::hours(1);
  d.sweep.block_sizes = {8};
  d.sweep.iterations = {10, 10, 10};
  return d;
}

std::unique_ptr<Bar> fake_open(const DeviceSpec&) { return std::make_unique<testing::FakeBar>(65536, true); }

// The value of `series` (e.g. `pcie_bar_device_up{device="a"}`) on the service's page; -1 if absent.
double value_of(const MonitoredDevices& s, const std::string& series) {
  return testing::sample(s.metrics_page().current()->text, series).value_or(-1);
}

void wait_ready(const MonitoredDevices& s) {
  for (int i = 0; i < 1000 && !s.ready(); ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(s.ready());
}

TEST(MonitoredDevices, ReadyOnceEveryDeviceHasRun) {
  static const Clock clock = Clock::calibrate();
  MonitoredDevices s(clock, fake_open);
  s.configure({named("a"), named("b")});
  EXPECT_FALSE(s.ready());
  s.start();
  wait_ready(s);
  EXPECT_EQ(value_of(s, "pcie_bar_device_up{device=\"a\"}"), 1);
  EXPECT_EQ(value_of(s, "pcie_bar_device_up{device=\"b\"}"), 1);
}

TEST(MonitoredDevices, WorkersPutEachUpdateOnThePageSoScrapesDoNotBuildIt) {
  static const Clock clock = Clock::calibrate();
  MonitoredDevices s(clock, fake_open);
  s.configure({named("a"), named("b")});
  s.start();
  for (int i = 0; i < 1000 && !s.ready(); ++i) std::this_thread::sleep_for(5ms);  // not current(): it refreshes
  ASSERT_TRUE(s.ready());
  // The two opens in configure() build the page once each; the two first runs at least once
  // more (a worker's build may already include the other's run). Wait until the workers'
  // builds are over: no new build for 250 ms (the interval is an hour, so none is due).
  uint64_t built = s.metrics_page().builds();
  for (int quiet = 0, i = 0; quiet < 10 && i < 400; ++i) {
    std::this_thread::sleep_for(25ms);
    const uint64_t now = s.metrics_page().builds();
    quiet = now == built ? quiet + 1 : 0;
    built = now;
  }
  EXPECT_GE(built, 3u);
  const auto page = s.metrics_page().current();
  EXPECT_EQ(testing::sample(page->text, "pcie_bar_device_up{device=\"a\"}"), 1);
  EXPECT_EQ(testing::sample(page->text, "pcie_bar_device_up{device=\"b\"}"), 1);
  for (int scrape = 0; scrape < 10; ++scrape) EXPECT_EQ(s.metrics_page().current(), page);
  EXPECT_EQ(s.metrics_page().builds(), built) << "a scrape put the page together";
}

TEST(MonitoredDevices, ReloadKeepsCountersOfKeptDevicesAndDropsRemovedOnes) {
  static const Clock clock = Clock::calibrate();
  MonitoredDevices s(clock, fake_open);
  s.configure({named("a"), named("b")});
  s.start();
  wait_ready(s);
  const std::string a_runs = "pcie_bar_runs_total{device=\"a\",result=\"success\"}";
  EXPECT_EQ(value_of(s, a_runs), 1);
  s.configure({named("a"), named("c")});
  s.start();
  for (int i = 0; i < 1000 && value_of(s, a_runs) < 2; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(value_of(s, a_runs), 2);                               // continued, not reset
  EXPECT_EQ(value_of(s, "pcie_bar_device_up{device=\"b\"}"), -1);  // gone from /metrics
  wait_ready(s);
  EXPECT_EQ(value_of(s, "pcie_bar_device_up{device=\"c\"}"), 1);
}

}  // namespace
}  // namespace pcie_bar
