#include "exporter/metrics/exposition.h"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace pcie_bar {

namespace {

std::string serialize(const prometheus::MetricFamily& family) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, {family});
  return out.str();
}

}  // namespace

SampleText render_samples(const std::vector<prometheus::MetricFamily>& families) {
  SampleText text;
  for (const prometheus::MetricFamily& family : families) {
    std::string s = serialize(family);
    std::size_t samples = 0;  // past the leading "# HELP" and "# TYPE" lines
    while (samples < s.size() && s[samples] == '#') {
      std::size_t eol = s.find('\n', samples);
      samples = eol == std::string::npos ? s.size() : eol + 1;
    }
    text[family.name] = s.substr(samples);
  }
  return text;
}

std::string render_header(const prometheus::MetricFamily& family) {
  prometheus::MetricFamily header{family.name, family.help, family.type, {}};
  return serialize(header);
}

}  // namespace pcie_bar
