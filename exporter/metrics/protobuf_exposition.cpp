#include "exporter/metrics/protobuf_exposition.h"

#include <stdexcept>

#include "exporter/metrics/proto/metrics.pb.h"

namespace pcie_bar {

namespace client = io::prometheus::client;

namespace {

client::MetricType proto_type(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter: return client::COUNTER;
    case prometheus::MetricType::Gauge: return client::GAUGE;
    case prometheus::MetricType::Summary: return client::SUMMARY;
    case prometheus::MetricType::Untyped: return client::UNTYPED;
    case prometheus::MetricType::Histogram: return client::HISTOGRAM;
  }
  throw std::logic_error("metric type without a protobuf counterpart");
}

Labels labels_of(const prometheus::ClientMetric& m) {
  Labels out;
  for (const auto& l : m.label) out.emplace_back(l.name, l.value);
  return out;
}

void add_native(const NativeBuckets& n, client::Histogram& h) {
  h.set_schema(n.schema);
  h.set_zero_threshold(n.zero_threshold);
  h.set_zero_count(n.zero_count);
  for (const NativeSpan& s : n.positive_spans) {
    client::BucketSpan* span = h.add_positive_span();
    span->set_offset(s.offset);
    span->set_length(s.length);
  }
  for (int64_t d : n.positive_deltas) h.add_positive_delta(d);
}

void fill_histogram(const prometheus::ClientMetric::Histogram& from, client::Histogram& h) {
  h.set_sample_count(from.sample_count);
  h.set_sample_sum(from.sample_sum);
  for (const auto& b : from.bucket) {
    client::Bucket* bucket = h.add_bucket();
    bucket->set_cumulative_count(b.cumulative_count);
    bucket->set_upper_bound(b.upper_bound);
  }
}

void fill_metric(const prometheus::ClientMetric& from, prometheus::MetricType type, const NativeBuckets* native,
                 client::Metric& m) {
  for (const auto& l : from.label) {
    client::LabelPair* pair = m.add_label();
    pair->set_name(l.name);
    pair->set_value(l.value);
  }
  switch (type) {
    case prometheus::MetricType::Counter: m.mutable_counter()->set_value(from.counter.value); break;
    case prometheus::MetricType::Gauge: m.mutable_gauge()->set_value(from.gauge.value); break;
    case prometheus::MetricType::Untyped: m.mutable_untyped()->set_value(from.untyped.value); break;
    case prometheus::MetricType::Summary: {
      client::Summary* s = m.mutable_summary();
      s->set_sample_count(from.summary.sample_count);
      s->set_sample_sum(from.summary.sample_sum);
      for (const auto& q : from.summary.quantile) {
        client::Quantile* quantile = s->add_quantile();
        quantile->set_quantile(q.quantile);
        quantile->set_value(q.value);
      }
      break;
    }
    case prometheus::MetricType::Histogram:
      fill_histogram(from.histogram, *m.mutable_histogram());
      if (native) add_native(*native, *m.mutable_histogram());
      break;
  }
  if (from.timestamp_ms != 0) m.set_timestamp_ms(from.timestamp_ms);
}

const NativeBuckets* native_of(const NativeHistograms& native, const std::string& family,
                               const prometheus::ClientMetric& m) {
  auto f = native.find(family);
  if (f == native.end()) return nullptr;
  auto n = f->second.find(labels_of(m));
  return n == f->second.end() ? nullptr : &n->second;
}

}  // namespace

SampleText render_protobuf_samples(const std::vector<prometheus::MetricFamily>& families,
                                   const NativeHistograms& native) {
  SampleText out;
  for (const prometheus::MetricFamily& family : families) {
    // A MetricFamily with only field 4 set serializes to exactly its metric entries.
    client::MetricFamily entries;
    for (const auto& m : family.metric)
      fill_metric(m, family.type, native_of(native, family.name, m), *entries.add_metric());
    out[family.name] = entries.SerializeAsString();
  }
  return out;
}

std::string render_protobuf_header(const prometheus::MetricFamily& family) {
  client::MetricFamily header;
  header.set_name(family.name);
  header.set_help(family.help);
  header.set_type(proto_type(family.type));
  return header.SerializeAsString();
}

void append_delimited_prefix(std::string& page, const std::string& header, std::size_t entries_size) {
  // The message's length as a base-128 varint, low group first.
  for (uint64_t length = header.size() + entries_size;; length >>= 7) {
    if (length < 0x80) {
      page += static_cast<char>(length);
      break;
    }
    page += static_cast<char>((length & 0x7f) | 0x80);
  }
  page += header;
}

}  // namespace pcie_bar
