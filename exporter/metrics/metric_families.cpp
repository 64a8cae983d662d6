#include "exporter/metrics/metric_families.h"

#include <stdexcept>

namespace pcie_bar {

void MetricFamilies::declare(const std::string& name, const std::string& help, prometheus::MetricType type) {
  index_.emplace(name, families_.size());
  families_.push_back(prometheus::MetricFamily{name, help, type, {}});
}

prometheus::ClientMetric& MetricFamilies::add(const std::string& name, const Labels& labels) {
  auto it = index_.find(name);
  if (it == index_.end()) throw std::logic_error("metric family not declared: " + name);
  prometheus::ClientMetric& m = families_[it->second].metric.emplace_back();
  for (const auto& [k, v] : labels) m.label.push_back(prometheus::ClientMetric::Label{k, v});
  return m;
}

std::vector<prometheus::MetricFamily> MetricFamilies::take() {
  std::vector<prometheus::MetricFamily> out;
  for (auto& f : families_)
    if (!f.metric.empty()) out.push_back(std::move(f));
  families_.clear();
  index_.clear();
  return out;
}

std::vector<prometheus::MetricFamily> MetricFamilies::declared() const {
  std::vector<prometheus::MetricFamily> out;
  for (const auto& f : families_) out.push_back({f.name, f.help, f.type, {}});
  return out;
}

}  // namespace pcie_bar
