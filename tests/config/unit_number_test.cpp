#include "config/unit_number.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

constexpr UnitScale kUnits[] = {{"ns", 1}, {"s", 1e9}, {"", 7}};

TEST(UnitNumber, TheFirstUnitTheTextEndsWithScalesIt) {
  EXPECT_DOUBLE_EQ(*parse_number_with_unit("2.5ns", kUnits), 2.5);  // "ns", listed before its suffix "s"
  EXPECT_DOUBLE_EQ(*parse_number_with_unit("2s", kUnits), 2e9);
  EXPECT_DOUBLE_EQ(*parse_number_with_unit("3", kUnits), 21);  // the empty unit takes a bare number
}

TEST(UnitNumber, OnlyAPlainDecimalNumberIsOne) {
  for (const char* bad : {"", "ns", "-1ns", "+1ns", ".5ns", "1e3ns", "1 ns", "1.2.3ns", "xns"})
    EXPECT_FALSE(parse_number_with_unit(bad, kUnits)) << bad;
  constexpr UnitScale kNoBare[] = {{"ns", 1}};
  EXPECT_FALSE(parse_number_with_unit("5", kNoBare));
}

}  // namespace
}  // namespace pcie_bar
