#pragma once
// Builds the families of one scrape: declare each family once (name, help, type), then add
// samples to it by name. Families left without samples are not exposed.

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

#include <map>
#include <string>
#include <vector>

namespace pcie_bar {

using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricFamilies {
 public:
  void declare(const std::string& name, const std::string& help, prometheus::MetricType type);
  // A new sample in the declared family `name`, with these labels.
  prometheus::ClientMetric& add(const std::string& name, const Labels& labels);
  void gauge(const std::string& name, const Labels& labels, double value) { add(name, labels).gauge.value = value; }
  void counter(const std::string& name, const Labels& labels, double value) { add(name, labels).counter.value = value; }
  std::vector<prometheus::MetricFamily> take();
  // Every declared family, in declaration order, without its samples.
  std::vector<prometheus::MetricFamily> declared() const;

 private:
  std::vector<prometheus::MetricFamily> families_;
  std::map<std::string, std::size_t> index_;
};

}  // namespace pcie_bar
