#include "exporter/once.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

DeviceRun ok_run() {
  DeviceRun d;
  d.opened = true;
  return d;
}

TEST(Once, ExitCodes) {
  EXPECT_EQ(exit_code_for({ok_run(), ok_run()}), kExitOk);

  DeviceRun mismatch = ok_run();
  mismatch.sweep.results.push_back(OpResult{});
  mismatch.sweep.results.back().mismatches = 3;
  EXPECT_EQ(exit_code_for({ok_run(), mismatch}), kExitCheckFailed);

  DeviceRun verify_failed = ok_run();
  verify_failed.verify.push_back(VerifyResult{});
  verify_failed.verify.back().status = VerifyStatus::kMismatch;
  EXPECT_EQ(exit_code_for({verify_failed}), kExitCheckFailed);

  DeviceRun skipped = ok_run();  // writes disabled: a skipped probe is not a failure
  skipped.verify.push_back(VerifyResult{});
  EXPECT_EQ(exit_code_for({skipped}), kExitOk);

  DeviceRun unopened;
  unopened.error = "cannot open";
  EXPECT_EQ(exit_code_for({mismatch, unopened}), kExitDeviceError);  // a device error outranks a failed check
}

TEST(Once, EachWarningOfTheBarIsLoggedNamingTheDevice) {
  BarProperties bar;
  bar.warnings = {"vfio-pci reset 0000:00:10.0 when it was opened", "BAR0 belongs to the live driver nvme"};
  ::testing::internal::CaptureStderr();
  log_device_warnings("edu", bar);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("level=warn msg=\"device warning\" device=edu warning=\"vfio-pci reset 0000:00:10.0 when it was opened\""),
            std::string::npos) << err;
  EXPECT_NE(err.find("warning=\"BAR0 belongs to the live driver nvme\""), std::string::npos) << err;
}

}  // namespace
}  // namespace pcie_bar
