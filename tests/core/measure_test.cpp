#include "core/measure.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace pcie_bar
