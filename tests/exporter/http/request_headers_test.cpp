#include "exporter/http/request_headers.h"

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

TEST(Connection, KeptByDefaultInHttp11AndOnRequestOtherwise) {
  EXPECT_TRUE(keeps_connection(nullptr, "1.1"));  // what Prometheus and curl send
  EXPECT_FALSE(keeps_connection(nullptr, "1.0"));
  EXPECT_TRUE(keeps_connection("keep-alive", "1.0"));
  EXPECT_TRUE(keeps_connection("Upgrade, Keep-Alive", "1.1"));
  EXPECT_FALSE(keeps_connection("close", "1.1"));
  EXPECT_FALSE(keeps_connection("Upgrade", "1.1"));  // civetweb closes unless keep-alive is named
  EXPECT_FALSE(keeps_connection("keep-alive-not", "1.1"));
}

}  // namespace
}  // namespace pcie_bar
