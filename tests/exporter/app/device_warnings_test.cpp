#include "exporter/app/device_warnings.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

TEST(DeviceWarnings, EachWarningOfTheBarIsLoggedNamingTheDevice) {
  BarProperties bar;
  bar.warnings = {"vfio-pci reset 0000:00:10.0 when it was opened", "BAR0 belongs to the live driver nvme"};
  ::testing::internal::CaptureStderr();
  log_device_warnings("edu", bar);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(
      err.find(
          "level=warn msg=\"device warning\" device=edu warning=\"vfio-pci reset 0000:00:10.0 when it was opened\""),
      std::string::npos)
      << err;
  EXPECT_NE(err.find("warning=\"BAR0 belongs to the live driver nvme\""), std::string::npos) << err;
}

}  // namespace
}  // namespace pcie_bar
