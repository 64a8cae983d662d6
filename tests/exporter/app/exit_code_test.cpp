#include "exporter/app/exit_code.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

DeviceRun ok_run() {
  DeviceRun d;
  d.opened = true;
  return d;
}

// By number: the codes are a contract with the scripts that run --once (README: Exit codes).
TEST(ExitCode, ForRuns) {
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

// A cell slower than the baseline fails like a threshold; a device error still outranks it.
TEST(ExitCode, ABaselineRegressionIsACheckFailed) {
  EXPECT_EQ(exit_code_for({ok_run()}, true), 1);
  EXPECT_EQ(exit_code_for({ok_run()}, false), 0);
  DeviceRun unopened;
  unopened.error = "cannot open";
  EXPECT_EQ(exit_code_for({unopened}, true), 3);
}

}  // namespace
}  // namespace pcie_bar
