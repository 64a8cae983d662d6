#include "exporter/common/log.h"

#include <gtest/gtest.h>

#include <regex>

#include "config/config_error.h"

namespace pcie_bar {
namespace {

TEST(Log, OneLogfmtLinePerEventWithEscapedValues) {
  set_log_level(LogLevel::kInfo);
  ::testing::internal::CaptureStderr();
  log_event(LogLevel::kInfo, "device opened", {{"device", "sim0"}, {"err", "a \"quoted\"\nvalue"}});
  log_event(LogLevel::kDebug, "hidden at info");
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(
      std::regex_match(out, std::regex("ts=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z level=info "
                                       "msg=\"device opened\" device=sim0 err=\"a \\\\\"quoted\\\\\"\\\\nvalue\"\n")))
      << out;
}

TEST(Log, LevelsParseAndFilter) {
  EXPECT_EQ(parse_log_level("warn"), LogLevel::kWarn);
  EXPECT_THROW(parse_log_level("verbose"), ConfigError);
  set_log_level(LogLevel::kError);
  ::testing::internal::CaptureStderr();
  log_event(LogLevel::kWarn, "dropped");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  set_log_level(LogLevel::kInfo);
}

}  // namespace
}  // namespace pcie_bar
