#pragma once
// Prometheus protobuf exposition (application/vnd.google.protobuf;
// proto=io.prometheus.client.MetricFamily; encoding=delimited): a stream of MetricFamily messages,
// each preceded by its length as a varint. Rendered ahead of scrapes like the text format:
// a MetricFamily's repeated `metric` field (number 4) may arrive in any number of pieces, so each
// device serializes its own entries of every family once per update, and a page is, per family,
// the family's name, help and type followed by every device's entries, length-prefixed.

#include <prometheus/metric_family.h>

#include <map>
#include <string>
#include <vector>

#include "exporter/metrics/exposition.h"
#include "exporter/metrics/metric_families.h"
#include "exporter/metrics/native_histogram.h"

namespace pcie_bar {

// Native buckets to send with histogram samples: by family name, then by the sample's labels.
using NativeHistograms = std::map<std::string, std::map<Labels, NativeBuckets>>;

// By family name: the family's `metric` entries (each a field-4 tag, a length and a Metric
// message), with the native buckets of `native` added to the histograms they name. The classic
// buckets stay, so scrapers without native histograms read the same histogram.
SampleText render_protobuf_samples(const std::vector<prometheus::MetricFamily>& families,
                                   const NativeHistograms& native = {});
// A MetricFamily message holding only `family`'s name, help and type.
std::string render_protobuf_header(const prometheus::MetricFamily& family);
// Appends one length-delimited MetricFamily: `header` (render_protobuf_header) followed by
// `entries_size` bytes of entries, which the caller appends next.
void append_delimited_prefix(std::string& page, const std::string& header, std::size_t entries_size);

}  // namespace pcie_bar
