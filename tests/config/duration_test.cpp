#include "config/duration.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

using std::chrono::milliseconds;

TEST(Duration, ParsesPrometheusStyleDurations) {
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("60s"), milliseconds(60'000));
  EXPECT_EQ(parse_duration("5m"), milliseconds(300'000));
  EXPECT_EQ(parse_duration("1h30m"), milliseconds(5'400'000));
  EXPECT_EQ(parse_duration("1m30s"), milliseconds(90'000));
  EXPECT_EQ(parse_duration("2d"), milliseconds(172'800'000));
}

TEST(Duration, RejectsMalformedOrOverflowingText) {
  for (const char* bad : {"", "60", "s", "-5s", "5 s", "5x", "1.5s", "99999999999999999999s", "9223372036854775807d"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
}

}  // namespace
}  // namespace pcie_bar
