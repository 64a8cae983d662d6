#include "config/throughput.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

TEST(Throughput, DecimalAndBinaryUnits) {
  EXPECT_DOUBLE_EQ(*parse_throughput("200MB/s"), 200e6);
  EXPECT_DOUBLE_EQ(*parse_throughput("1.5GB/s"), 1.5e9);
  EXPECT_DOUBLE_EQ(*parse_throughput("64kB/s"), 64e3);
  EXPECT_DOUBLE_EQ(*parse_throughput("70MiB/s"), 70.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(*parse_throughput("1KiB/s"), 1024);
  EXPECT_DOUBLE_EQ(*parse_throughput("2GiB/s"), 2.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(*parse_throughput("100B/s"), 100);
  EXPECT_DOUBLE_EQ(*parse_throughput("12345"), 12345);  // bytes per second
}

TEST(Throughput, MalformedOrNotPositiveIsRejected) {
  for (const char* bad : {"", "MB/s", "200 MB/s", "200MBps", "-5MB/s", "0MB/s", ".5GB/s", "1e9", "fastMB/s", "5TB/s"})
    EXPECT_FALSE(parse_throughput(bad)) << bad;
}

}  // namespace
}  // namespace pcie_bar
