#include "exporter/once.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

DeviceRun ok_run() {
  DeviceRun d;
  d.opened = true;
  return d;
}

// By number: the codes are a contract with the scripts that run --once (README: Exit codes).
TEST(Once, ExitCodes) {
  EXPECT_EQ(exit_code_for({ok_run(), ok_run()}), 0);

  DeviceRun mismatch = ok_run();
  mismatch.sweep.results.push_back(OpResult{});
  mismatch.sweep.results.back().mismatches = 3;
  EXPECT_EQ(exit_code_for({ok_run(), mismatch}), 1);

  DeviceRun verify_failed = ok_run();
  verify_failed.verify.push_back(VerifyResult{});
  verify_failed.verify.back().status = VerifyStatus::kMismatch;
  EXPECT_EQ(exit_code_for({verify_failed}), 1);

  DeviceRun skipped = ok_run();  // writes disabled: a skipped probe is not a failure
  skipped.verify.push_back(VerifyResult{});
  EXPECT_EQ(exit_code_for({skipped}), 0);

  DeviceRun unopened;
  unopened.error = "cannot open";
  EXPECT_EQ(exit_code_for({mismatch, unopened}), 3);  // a device error outranks a failed check
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
