#pragma once
// Prometheus text exposition, rendered ahead of scrapes. A device's figures change only when
// its worker records a run, so its sample lines are rendered then, once; a scrape only puts
// family headers and already rendered lines together.

#include <prometheus/metric_family.h>

#include <map>
#include <string>
#include <vector>

namespace pcie_bar {

// Sample lines (no HELP or TYPE) by family name.
using SampleText = std::map<std::string, std::string>;

// One device's part of every family in both formats, rendered at its last update.
struct RenderedSamples {
  SampleText text;      // sample lines by family
  SampleText protobuf;  // serialized `metric` entries by family (protobuf_exposition.h)
};

SampleText render_samples(const std::vector<prometheus::MetricFamily>& families);
// The "# HELP" and "# TYPE" lines of `family` (its samples, if any, are ignored).
std::string render_header(const prometheus::MetricFamily& family);

}  // namespace pcie_bar
