#pragma once
// What the web server hands out at /metrics: a whole page in each exposition format (Prometheus
// text and protobuf), each plain and gzip-compressed. The metrics side builds one when a device
// records something; both formats are rendered and compressed then, once, however many scrapes
// ask for them.

#include <string>

namespace pcie_bar {

struct ExpositionPage {
  ExpositionPage(std::string text_page, std::string protobuf_page);
  std::string text, gzipped;               // text/plain; version=0.0.4
  std::string protobuf, protobuf_gzipped;  // length-delimited io.prometheus.client.MetricFamily messages
};

}  // namespace pcie_bar
