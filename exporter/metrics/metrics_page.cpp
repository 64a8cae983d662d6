#include "exporter/metrics/metrics_page.h"

#include <algorithm>

#include "exporter/common/version.h"

namespace pcie_bar {

MetricsPage::MetricsPage(double clock_overhead_seconds) {
  MetricFamilies f;
  DeviceMetrics::declare(f);
  f.declare("pcie_bar_clock_overhead_seconds",
            "Median cost of one timestamp pair; subtracted from every pcie_bar_op_duration_seconds sample.",
            prometheus::MetricType::Gauge);
  f.declare("pcie_bar_exporter_build_info", "Version and git revision of pcie_bar_exporter; value 1.",
            prometheus::MetricType::Gauge);
  families_ = f.declared();
  f.gauge("pcie_bar_clock_overhead_seconds", {}, clock_overhead_seconds);
  f.gauge("pcie_bar_exporter_build_info", {{"version", kVersion}, {"revision", kRevision}}, 1);
  own_text_ = render_samples(f.take());
}

void MetricsPage::set_devices(std::vector<std::shared_ptr<DeviceMetrics>> devices) {
  std::lock_guard lock(mu_);
  devices_ = std::move(devices);
}

void MetricsPage::refresh() const {
  std::vector<std::shared_ptr<const SampleText>> texts;
  uint64_t number;
  {
    std::lock_guard lock(mu_);
    texts.reserve(devices_.size());
    for (const auto& d : devices_) texts.push_back(d->text());
    if (page_ && texts == built_from_) return;
    number = ++started_;
  }
  auto page = std::make_shared<const ExpositionPage>(build(texts));
  std::lock_guard lock(mu_);
  ++builds_;
  if (number < published_) return;
  published_ = number;
  page_ = std::move(page);
  built_from_ = std::move(texts);
}

std::shared_ptr<const ExpositionPage> MetricsPage::current() const {
  refresh();
  std::lock_guard lock(mu_);
  return page_;
}

uint64_t MetricsPage::builds() const {
  std::lock_guard lock(mu_);
  return builds_;
}

std::string MetricsPage::build(const std::vector<std::shared_ptr<const SampleText>>& device_texts) const {
  std::vector<const SampleText*> texts = {&own_text_};
  for (const auto& t : device_texts) texts.push_back(t.get());
  std::size_t size = 0;
  for (const SampleText* t : texts)
    for (const auto& [name, samples] : *t) size += samples.size();
  std::string page;
  page.reserve(size + 200 * families_.size());  // plus one header per family
  for (const auto& family : families_) {
    auto has_samples = [&](const SampleText* t) { return t->count(family.name) != 0; };
    if (std::none_of(texts.begin(), texts.end(), has_samples)) continue;  // not exposed
    page += render_header(family);
    for (const SampleText* t : texts)
      if (has_samples(t)) page += t->at(family.name);
  }
  return page;
}

}  // namespace pcie_bar
