#include "exporter/accept_encoding.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

TEST(AcceptEncoding, PrometheusHeaderAcceptsGzip) {
  // What Prometheus sends with every scrape.
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("deflate, GZip;q=0.5, br"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_TRUE(accepts_gzip("*"));
}

TEST(AcceptEncoding, AbsentOrRefusedGzipMeansPlainText) {
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("deflate, br"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip ; Q = 0.000"));
  EXPECT_FALSE(accepts_gzip("*;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0, *"));  // the explicit entry wins over the wildcard
  EXPECT_FALSE(accepts_gzip("gzipped"));
}

}  // namespace
}  // namespace pcie_bar
