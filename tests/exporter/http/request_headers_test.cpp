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

// Prometheus 2.42 with --enable-feature=native-histograms; the media type's parameters in any
// order, quoted or with spaces, as RFC 9110 allows.
TEST(Accept, ProtobufWhenAskedForDelimitedMetricFamiliesAtLeastAsMuchAsText) {
  EXPECT_TRUE(
      wants_protobuf("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
                     "application/openmetrics-text;version=1.0.0;q=0.8,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
  EXPECT_TRUE(
      wants_protobuf("Application/Vnd.Google.Protobuf ; encoding=\"delimited\" ; "
                     "proto=io.prometheus.client.MetricFamily"));
  EXPECT_TRUE(
      wants_protobuf("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                     "encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3"));  // older clients
  EXPECT_TRUE(
      wants_protobuf("text/plain;q=0.5, application/vnd.google.protobuf;"
                     "proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5"));  // a tie
}

TEST(Accept, TextOtherwise) {
  EXPECT_FALSE(wants_protobuf(""));
  EXPECT_FALSE(wants_protobuf("*/*"));  // curl, browsers: never protobuf by a wildcard
  EXPECT_FALSE(wants_protobuf("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
  EXPECT_FALSE(wants_protobuf("application/vnd.google.protobuf"));  // no proto, no encoding
  EXPECT_FALSE(
      wants_protobuf("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                     "encoding=text"));
  EXPECT_FALSE(wants_protobuf("application/vnd.google.protobuf;proto=other.Message;encoding=delimited"));
  EXPECT_FALSE(
      wants_protobuf("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                     "encoding=delimited;q=0"));
  EXPECT_FALSE(
      wants_protobuf("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                     "encoding=delimited;q=0.2, text/*;q=0.4"));
  EXPECT_FALSE(
      wants_protobuf("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                     "encoding=delimited;q=0.2, */*;q=0.4"));
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
