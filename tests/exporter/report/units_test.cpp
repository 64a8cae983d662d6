#include "exporter/report/units.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

TEST(Units, SecondsPickTheUnitThatFits) {
  EXPECT_EQ(format_seconds(42e-9), "42.0 ns");
  EXPECT_EQ(format_seconds(812e-9), "812 ns");
  EXPECT_EQ(format_seconds(1.5e-6), "1.50 µs");
  EXPECT_EQ(format_seconds(12.34e-3), "12.3 ms");
  EXPECT_EQ(format_seconds(2.5), "2.50 s");
}

TEST(Units, MegabytesAreDecimal) { EXPECT_EQ(format_mb_per_s(15'230'000), "15.23"); }

TEST(Units, ThroughputPicksTheDecimalUnitThatFits) {
  EXPECT_EQ(format_bytes_per_second(812), "812 B/s");
  EXPECT_EQ(format_bytes_per_second(95'000), "95.0 kB/s");
  EXPECT_EQ(format_bytes_per_second(4e6), "4.00 MB/s");
  EXPECT_EQ(format_bytes_per_second(1.25e9), "1.25 GB/s");
  EXPECT_EQ(format_bytes_per_second(81.7e9), "81.7 GB/s");
}

TEST(Units, OpLabels) {
  EXPECT_STREQ(op_label(Op::kRead), "READ");
  EXPECT_STREQ(op_label(Op::kWrite), "WRITE");
  EXPECT_STREQ(op_label(Op::kReadWrite), "R+W");
}

TEST(Units, Bytes) {
  EXPECT_EQ(format_bytes(1), "1 B");
  EXPECT_EQ(format_bytes(1024), "1 KiB");
  EXPECT_EQ(format_bytes(16384), "16 KiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(1 << 20), "1 MiB");
}

TEST(Units, PadLeftCountsCharactersNotBytes) {
  EXPECT_EQ(pad_left("1.00 µs", 8), " 1.00 µs");
  EXPECT_EQ(pad_left("500 ns", 8), "  500 ns");
  EXPECT_EQ(pad_left("too long here", 4), "too long here");
}

}  // namespace
}  // namespace pcie_bar
