#include "core/measure.h"

#include <gtest/gtest.h>

#include <cstring>

#include "tests/support/fake_bar.h"

namespace pcie_bar {
namespace {

TEST(Measure, DefaultSimDeviceRunsProbesAndTheFullSweep) {
  DeviceSpec d;
  d.sweep.iterations = {100, 100, 50};
  DeviceRun run = measure_device(d, Clock::calibrate());
  EXPECT_TRUE(run.opened);
  EXPECT_TRUE(run.error.empty()) << run.error;
  EXPECT_EQ(run.bar.size, 65536u);
  ASSERT_EQ(run.verify.size(), 2u);
  EXPECT_TRUE(run.verify[0].ok());
  EXPECT_TRUE(run.verify[1].ok());
  EXPECT_EQ(run.sweep.results.size(), 13u * 3);
  EXPECT_FALSE(run.failed_checks());
}

TEST(Measure, AnUnopenableDeviceIsReportedNotThrown) {
  DeviceSpec d;
  d.sim.path = "/nonexistent-dir/bar";
  DeviceRun run = measure_device(d, Clock::calibrate());
  EXPECT_FALSE(run.opened);
  EXPECT_NE(run.error.find("/nonexistent-dir/bar"), std::string::npos);
}

TEST(Measure, ASpecThatDoesNotFitTheOpenedBarIsAnError) {
  DeviceSpec d;
  d.sim.size = 4096;  // the default window is 16 KiB
  DeviceRun run = measure_device(d, Clock::calibrate());
  EXPECT_FALSE(run.opened);
  EXPECT_NE(run.error.find("window.size"), std::string::npos) << run.error;
}

TEST(Measure, VerifyMismatchCountsAsAFailedCheck) {
  DeviceRun run;
  VerifyResult v;
  v.status = VerifyStatus::kMismatch;
  run.verify.push_back(v);
  EXPECT_TRUE(run.failed_checks());
}

DeviceSpec quick() {
  DeviceSpec d;
  d.window.size = 256;
  d.sweep.block_sizes = {8, 64};
  d.sweep.iterations = {20, 20, 10};
  d.verify.clear();
  return d;
}

TEST(Measure, ADeviceReadingAllOnesIsDownNotData) {
  testing::FakeBar bar(4096, true);
  std::memset(bar.memory().data(), 0xff, bar.memory().size());
  DeviceSpec d = quick();
  d.writes.enabled = false;
  DeviceRun run = measure_bar(bar, d, Clock::calibrate());
  EXPECT_EQ(run.error_reason, "all_ones");
  EXPECT_NE(run.error.find("every read returned all-ones"), std::string::npos);
}

TEST(Measure, AllOnesWhereWritesDoNotLandIsDownToo) {
  testing::FakeBar bar(4096);
  bar.all_ones = true;  // loads return all-ones whatever was stored
  DeviceRun run = measure_bar(bar, quick(), Clock::calibrate());
  EXPECT_EQ(run.error_reason, "all_ones");
}

TEST(Measure, ErasedMemoryThatReadsAllOnesButTakesWritesIsData) {
  testing::FakeBar bar(4096, true);
  std::memset(bar.memory().data(), 0xff, bar.memory().size());  // erased flash, say
  DeviceRun run = measure_bar(bar, quick(), Clock::calibrate());
  EXPECT_TRUE(run.error.empty()) << run.error;
}

}  // namespace
}  // namespace pcie_bar
