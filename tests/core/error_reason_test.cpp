#include "core/error_reason.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/bar.h"

namespace pcie_bar {
namespace {

// Alerts, dashboards and scripts match on these label values: renaming one breaks them silently.
TEST(ErrorReason, LabelValuesAreTheOnesAlertsMatchOn) {
  std::vector<std::string> names;
  for (const auto& r : kErrorReasons) names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"open", "io", "gone", "bus_error", "all_ones", "timeout"}));
}

// README's "Error reasons" table: one row per reason, in the code's order, with the code's meaning.
TEST(ErrorReason, TheReadmeTableIsTheCodesTable) {
  std::ifstream readme(std::string(PCIE_BAR_SOURCE_DIR) + "/README.md");
  const std::string text((std::istreambuf_iterator<char>(readme)), std::istreambuf_iterator<char>());
  const std::string header = "| reason | meaning |\n| --- | --- |\n";
  const auto at = text.find(header);
  ASSERT_NE(at, std::string::npos) << "README has no error reasons table";
  const std::string table = text.substr(at + header.size(), text.find("\n\n", at) - at - header.size() + 1);
  std::string expected;
  for (const auto& r : kErrorReasons) expected += "| `" + std::string(r.name) + "` | " + r.meaning + " |\n";
  EXPECT_EQ(table, expected);
}

TEST(ErrorReason, ADeviceErrorIsAnIoErrorUnlessItSaysOtherwise) {
  EXPECT_EQ(DeviceError("read failed").reason(), ErrorReason::kIo);
  EXPECT_EQ(DeviceError("removed", ErrorReason::kGone).reason(), ErrorReason::kGone);
}

TEST(ErrorReason, EachReasonSurvivesTheError) {
  for (const auto& r : kErrorReasons) EXPECT_EQ(DeviceError("x", r.value).reason(), r.value);
}

}  // namespace
}  // namespace pcie_bar
