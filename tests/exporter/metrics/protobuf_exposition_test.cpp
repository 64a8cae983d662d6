#include "exporter/metrics/protobuf_exposition.h"

#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/delimited_message_util.h>
#include <gtest/gtest.h>

#include <limits>

#include "exporter/metrics/proto/metrics.pb.h"

namespace pcie_bar {
namespace {

namespace client = io::prometheus::client;

prometheus::MetricFamily gauge_family() {
  prometheus::MetricFamily f{"x_value", "An x.", prometheus::MetricType::Gauge, {}};
  auto& m = f.metric.emplace_back();
  m.label.push_back({"device", "a\"b"});
  m.gauge.value = 2.5;
  return f;
}

prometheus::MetricFamily histogram_family() {
  prometheus::MetricFamily f{"h_seconds", "H.", prometheus::MetricType::Histogram, {}};
  for (const char* op : {"read", "write"}) {
    auto& m = f.metric.emplace_back();
    m.label.push_back({"op", op});
    m.histogram.sample_count = 3;
    m.histogram.sample_sum = 0.5;
    m.histogram.bucket = {{1, 0.1}, {3, std::numeric_limits<double>::infinity()}};
  }
  return f;
}

// A family's entries are its field 4: parsed as a MetricFamily, they are its metrics.
client::MetricFamily parse_entries(const std::string& entries) {
  client::MetricFamily f;
  EXPECT_TRUE(f.ParseFromString(entries));
  EXPECT_FALSE(f.has_name());
  return f;
}

TEST(ProtobufExposition, EntriesCarryLabelsAndValues) {
  const client::MetricFamily f = parse_entries(render_protobuf_samples({gauge_family()}).at("x_value"));
  ASSERT_EQ(f.metric_size(), 1);
  EXPECT_EQ(f.metric(0).label(0).name(), "device");
  EXPECT_EQ(f.metric(0).label(0).value(), "a\"b");  // raw, no text-format escaping
  EXPECT_EQ(f.metric(0).gauge().value(), 2.5);
  EXPECT_FALSE(f.metric(0).has_counter());
}

// The classic buckets stay for every histogram; native ones go only where given, by labels.
TEST(ProtobufExposition, HistogramsKeepClassicBucketsAndGainTheNativeOnesOfTheirLabels) {
  NativeBuckets native;
  native.zero_count = 1;
  native.positive_spans = {{-159, 2}};
  native.positive_deltas = {1, 0};
  const client::MetricFamily f =
      parse_entries(render_protobuf_samples({histogram_family()}, {{"h_seconds", {{Labels{{"op", "write"}}, native}}}})
                        .at("h_seconds"));
  ASSERT_EQ(f.metric_size(), 2);
  for (const auto& m : f.metric()) {
    EXPECT_EQ(m.histogram().sample_count(), 3u);
    EXPECT_EQ(m.histogram().sample_sum(), 0.5);
    ASSERT_EQ(m.histogram().bucket_size(), 2);
    EXPECT_EQ(m.histogram().bucket(0).upper_bound(), 0.1);
    EXPECT_EQ(m.histogram().bucket(1).cumulative_count(), 3u);
  }
  const client::Histogram& read = f.metric(0).histogram();
  EXPECT_FALSE(read.has_schema());
  EXPECT_EQ(read.positive_span_size(), 0);
  const client::Histogram& write = f.metric(1).histogram();
  EXPECT_EQ(write.schema(), 3);
  EXPECT_EQ(write.zero_threshold(), 1e-12);
  EXPECT_EQ(write.zero_count(), 1u);
  ASSERT_EQ(write.positive_span_size(), 1);
  EXPECT_EQ(write.positive_span(0).offset(), -159);
  EXPECT_EQ(write.positive_span(0).length(), 2u);
  EXPECT_EQ(std::vector<int64_t>(write.positive_delta().begin(), write.positive_delta().end()),
            (std::vector<int64_t>{1, 0}));
}

// Entries rendered in pieces (one per device) under one header are one family to a reader that
// takes length-delimited messages, as Prometheus does; lengths past 127 take two varint bytes.
TEST(ProtobufExposition, AHeaderAndEntriesFromSeveralSourcesAreOneDelimitedFamily) {
  prometheus::MetricFamily big = gauge_family();
  for (int i = 0; i < 20; ++i) big.metric.push_back(big.metric.front());
  const std::string first = render_protobuf_samples({gauge_family()}).at("x_value");
  const std::string second = render_protobuf_samples({big}).at("x_value");
  std::string page;
  append_delimited_prefix(page, render_protobuf_header(gauge_family()), first.size() + second.size());
  page += first + second;
  append_delimited_prefix(page, render_protobuf_header(histogram_family()), 0);
  ASSERT_GT(page.size(), 128u + 2);

  google::protobuf::io::ArrayInputStream in(page.data(), static_cast<int>(page.size()));
  client::MetricFamily f;
  bool eof = false;
  ASSERT_TRUE(google::protobuf::util::ParseDelimitedFromZeroCopyStream(&f, &in, &eof));
  EXPECT_EQ(f.name(), "x_value");
  EXPECT_EQ(f.help(), "An x.");
  EXPECT_EQ(f.type(), client::GAUGE);
  EXPECT_EQ(f.metric_size(), 22);
  f.Clear();  // parsing merges into the message
  ASSERT_TRUE(google::protobuf::util::ParseDelimitedFromZeroCopyStream(&f, &in, &eof));
  EXPECT_EQ(f.name(), "h_seconds");
  EXPECT_EQ(f.type(), client::HISTOGRAM);
  EXPECT_EQ(f.metric_size(), 0);
  EXPECT_FALSE(google::protobuf::util::ParseDelimitedFromZeroCopyStream(&f, &in, &eof));
  EXPECT_TRUE(eof);
}

}  // namespace
}  // namespace pcie_bar
